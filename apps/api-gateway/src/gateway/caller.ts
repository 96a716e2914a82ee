import type { FastifyRequest } from 'fastify';
import type { AuthKindName } from '@wos/platform';
import type { ApiKeyAuthService, AuthenticatedKey } from '../auth/api-key-auth.service';
import type { ClientAuthService } from '../auth/client-auth.service';
import { isThrottled, type Throttled } from '../auth/credential.cache';
import type { RouteEntry } from '../routing/route.table';
import { GatewayErrors, type GatewayError } from './gateway.replies';
import { widgetTokenClientId } from './widget-token';

/** Who is calling, as the services will see it through the signed context. */
export interface Caller {
  environmentId: string;
  authKind: AuthKindName;
  clientId?: string;
  /** Set for API-key callers: rate limits and idempotency records hang off it. */
  key?: AuthenticatedKey;
}

export type CallerResult =
  | { caller?: Caller; error?: undefined; retryAfterSeconds?: undefined }
  | { error: GatewayError; caller?: undefined; retryAfterSeconds?: number };

interface Deps {
  auth: ApiKeyAuthService;
  clients: ClientAuthService;
}

/** The request as routed: its canonical path and URL (after alias rewriting) and its client's address. */
export interface RoutedRequest {
  path: string;
  url: string;
  clientIp: string;
}

/**
 * Resolves a request's caller according to its route's auth mode (see RouteEntry.auth). A route
 * with auth `none` has no caller: the service authenticates such requests by itself.
 * Throws only when the credential store is unreachable.
 */
export async function resolveCaller(deps: Deps, route: RouteEntry, target: RoutedRequest, req: FastifyRequest, self?: { proto: string; host?: string }): Promise<CallerResult> {
  const { path, clientIp } = target;
  switch (route.auth) {
    case 'none':
      return {};
    case 'api_key':
      return byApiKey(deps, req.headers.authorization, clientIp);
    case 'api_key_or_client_id': {
      if (req.headers.authorization !== undefined) return byApiKey(deps, req.headers.authorization, clientIp);
      const params = requestParams(req, target.url);
      if (params === 'ambiguous') return { error: GatewayErrors.invalidClient() };
      // Python-style confidential clients put the API key in the body instead of a header.
      const secret = params.get('client_secret');
      if (secret) return byApiKey(deps, `Bearer ${secret}`, clientIp);
      return byClientId(deps, params.get('client_id'), clientIp);
    }
    case 'client_id': {
      const query = queryParams(target.url);
      if (query === 'ambiguous') return { error: GatewayErrors.invalidClient() };
      // `/sso/jwks/<client_id>` names the client in its last path segment.
      const result = await byClientId(deps, query.get('client_id') ?? path.slice(path.lastIndexOf('/') + 1), clientIp);
      const redirectUri = query.get('redirect_uri');
      if (result.caller && redirectUri !== undefined && !isOwnConnectCallback(redirectUri, result.caller.clientId!, self) && !(await deps.clients.redirectUriAllowed(result.caller.environmentId, redirectUri))) {
        return { error: GatewayErrors.invalidRedirectUri(redirectUri) };
      }
      return result;
    }
    case 'client_id_path': {
      const index = route.prefix.split('/').indexOf(':client_id');
      return byClientId(deps, path.split('/')[index], clientIp);
    }
    case 'widget_token': {
      const clientId = widgetTokenClientId(req.headers.authorization);
      if (!clientId) return { error: GatewayErrors.invalidWidgetToken() };
      const result = await byClientId(deps, clientId, clientIp);
      // A token naming a client no environment has is not one of ours (a throttled lookup keeps its 429).
      return result.error?.code === 'invalid_client' ? { error: GatewayErrors.invalidWidgetToken() } : result;
    }
  }
}

/* The Connect authorization server's sign-in callback of the same environment on this same
 * gateway (`/oauth2/<client_id>/interaction/<uid>/callback`): AuthKit's hosted sign-in may return
 * there without the URI being registered, because it only ever leads back into our own server. */
const CONNECT_CALLBACK = /^\/oauth2\/(client_[0-9A-HJKMNP-TV-Z]{26})\/interaction\/[A-Za-z0-9_-]{1,64}\/callback$/;
export function isOwnConnectCallback(redirectUri: string, clientId: string, self: { proto: string; host?: string } | undefined): boolean {
  if (!self?.host) return false;
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (url.search || url.hash || url.username || url.password || `${url.protocol}//${url.host}` !== `${self.proto}://${self.host}`) return false;
  return CONNECT_CALLBACK.exec(url.pathname)?.[1] === clientId;
}

const throttled = (t: Throttled): CallerResult => ({ error: GatewayErrors.rateLimited(), retryAfterSeconds: t.retryAfterSeconds });

async function byApiKey(deps: Deps, authorization: string | undefined, clientIp: string): Promise<CallerResult> {
  const key = await deps.auth.authenticate(authorization, clientIp);
  if (isThrottled(key)) return throttled(key);
  return key ? { caller: { environmentId: key.environmentId, authKind: 'api_key', key } } : { error: GatewayErrors.unauthorized() };
}

async function byClientId(deps: Deps, clientId: string | null | undefined, clientIp: string): Promise<CallerResult> {
  const environmentId = await deps.clients.environmentOf(clientId ?? undefined, clientIp);
  if (isThrottled(environmentId)) return throttled(environmentId);
  return environmentId ? { caller: { environmentId, authKind: 'public_client', clientId: clientId! } } : { error: GatewayErrors.invalidClient() };
}

type Params = Map<string, string> | 'ambiguous';

/* A parameter given twice is refused rather than guessed: a gateway and a service that picked
 * different copies would authenticate one client and serve another. */
function collect(entries: Iterable<[string, string]>): Params {
  const map = new Map<string, string>();
  for (const [k, v] of entries) {
    if (map.has(k)) return 'ambiguous';
    map.set(k, v);
  }
  return map;
}

function queryParams(url: string): Params {
  const q = url.indexOf('?');
  return collect(q === -1 ? [] : new URLSearchParams(url.slice(q + 1)));
}

/** The query string merged with a form or JSON body's top-level string fields. */
function requestParams(req: FastifyRequest, url: string): Params {
  const query = queryParams(url);
  if (query === 'ambiguous') return query;
  const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const type = String(req.headers['content-type'] ?? '');
  let fields: [string, string][] = [];
  if (type.includes('application/x-www-form-urlencoded')) fields = [...new URLSearchParams(body)];
  else if (body.trim().startsWith('{')) {
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      fields = Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string');
    } catch {
      fields = []; // the service answers the malformed body itself
    }
  }
  return collect([...query, ...fields]);
}
