import { Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '../errors/errors';
import type { AuthKindName } from './internal-auth';

/** What a public client hears on a route that needs an API key (this guard, and bootstrapService's check). */
export const API_KEY_REQUIRED = 'This endpoint requires an API key.';

/**
 * Management routes act with the environment's full authority, so they need a caller the gateway
 * authenticated with a secret API key; a public client (a client ID alone, as browsers and PKCE
 * apps send) is refused even with a valid signed context.
 */
@Injectable()
export class ApiKeyOnlyGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const kind = ctx.switchToHttp().getRequest<{ authKind?: AuthKindName }>().authKind;
    if (kind !== 'api_key') throw new UnauthorizedError(API_KEY_REQUIRED);
    return true;
  }
}

/** On a controller or handler: only `api_key` callers get through (see ApiKeyOnlyGuard). */
export const RequireApiKey = () => UseGuards(ApiKeyOnlyGuard);
