import { signInternalRequest, type AuthKindName } from './internal-auth';

export interface InternalCaller {
  /** The target service's key (internalAuthKeyFor(config, audience)). */
  key: string;
  /** The target service's name, as it boots (`organizations`, `sso`). */
  audience: string;
  environmentId: string;
  authKind?: AuthKindName;
  clientId?: string;
}

/**
 * `fetch` to another service with the environment context signed for exactly this request: the
 * method, the path and query the URL resolves to, and the body (a string, or none).
 */
export function internalFetch(url: string, caller: InternalCaller, init: RequestInit = {}): Promise<Response> {
  const target = new URL(url);
  if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('internalFetch signs string bodies only');
  const signed = signInternalRequest(
    caller.key,
    caller.audience,
    caller.environmentId,
    { method: init.method ?? 'GET', path: `${target.pathname}${target.search}`, body: init.body ?? undefined },
    { authKind: caller.authKind, clientId: caller.clientId },
  );
  return fetch(target, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...signed } });
}
