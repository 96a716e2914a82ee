import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { toFieldErrors, ValidationError } from '@wos/platform';
import type { CredentialsService } from '../credentials/credentials.service';
import { addCorsOriginSchema, addRedirectUriSchema, listOf, setHomepageUrlSchema } from './settings.dto';

type Handler = (svc: CredentialsService, environmentId: string, body: Buffer | undefined, id: string) => Promise<{ status: number; body: unknown }>;

/**
 * The settings routes the gateway answers itself (route upstream `gateway`): redirect URIs, CORS
 * origins and the app homepage, as the official `workos` CLI's `config` command calls them. The
 * caller is an API key of the environment, like every /user_management route.
 */
const HANDLERS: Record<string, Handler> = {
  'POST /user_management/redirect_uris': async (svc, env, body) => ({ status: 201, body: await svc.registerRedirectUri(env, parse(addRedirectUriSchema, body).uri) }),
  'GET /user_management/redirect_uris': async (svc, env) => ({ status: 200, body: listOf(await svc.listRedirectUris(env)) }),
  // The Java SDK's deleteRedirectUris: by the redirect URI's ID, within the caller's environment.
  'DELETE /user_management/redirect_uris/:id': async (svc, env, _body, id) => (await svc.removeRedirectUriById(env, id), { status: 204, body: undefined }),
  'POST /user_management/cors_origins': async (svc, env, body) => ({ status: 201, body: await svc.registerCorsOrigin(env, parse(addCorsOriginSchema, body).origin) }),
  'GET /user_management/cors_origins': async (svc, env) => ({ status: 200, body: listOf(await svc.listCorsOrigins(env)) }),
  'PUT /user_management/app_homepage_url': async (svc, env, body) => ({ status: 200, body: await svc.setAppHomepageUrl(env, parse(setHomepageUrlSchema, body).url) }),
  'GET /user_management/app_homepage_url': async (svc, env) => ({ status: 200, body: await svc.appHomepageUrl(env) }),
};

/** Answers a settings request; false when no handler serves this method and path (the caller answers 404). */
export async function handleSettings(svc: CredentialsService, environmentId: string, path: string, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const trimmed = path.replace(/\/+$/, '');
  // One trailing ID segment stands for `:id` (only the routes that declare one).
  const slash = trimmed.lastIndexOf('/');
  const id = trimmed.slice(slash + 1);
  const handler = HANDLERS[`${method} ${trimmed}`] ?? HANDLERS[`${method} ${trimmed.slice(0, slash)}/:id`];
  if (!handler) return false;
  const result = await handler(svc, environmentId, Buffer.isBuffer(req.body) ? req.body : undefined, id);
  await reply.status(result.status).type('application/json').send(result.body);
  return true;
}

function parse<S extends z.ZodType>(schema: S, body: Buffer | undefined): z.infer<S> {
  let value: unknown = {};
  const text = body?.toString('utf8').trim() ?? '';
  if (text) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new ValidationError([{ field: 'body', code: 'invalid_json', message: 'The request body is not valid JSON.' }], 'The request body is not valid JSON.');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(toFieldErrors(parsed.error.issues));
  return parsed.data;
}
