import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '../errors/errors';

/** The environment the gateway authenticated this request for (see internal-auth.ts). */
export const EnvironmentId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const env = ctx.switchToHttp().getRequest<{ environmentId?: string }>().environmentId;
  if (!env) throw new UnauthorizedError();
  return env;
});
