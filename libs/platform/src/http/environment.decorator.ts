import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '../errors/errors';
import type { AuthKindName as AuthKindValue } from './internal-auth';

interface ContextRequest {
  environmentId?: string;
  authKind?: AuthKindValue;
  clientId?: string;
}
const request = (ctx: ExecutionContext) => ctx.switchToHttp().getRequest<ContextRequest>();

/** The environment the gateway authenticated this request for (see internal-auth.ts). */
export const EnvironmentId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const env = request(ctx).environmentId;
  if (!env) throw new UnauthorizedError();
  return env;
});

/** How the gateway authenticated the caller: `api_key` or `public_client` (client ID only). */
export const AuthKind = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthKindValue => {
  const kind = request(ctx).authKind;
  if (!kind) throw new UnauthorizedError();
  return kind;
});

/** The client ID the gateway resolved the environment from, if the caller named one. */
export const RequestClientId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => request(ctx).clientId);
