import { createParamDecorator, Injectable, mixin, UseGuards, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { DomainError, UnauthorizedError, type AuthKindName } from '@wos/platform';
import { WidgetTokensService, type WidgetSession } from './widget-tokens.service';
import type { WidgetScope } from './widgets.dto';

interface WidgetRequest {
  environmentId?: string;
  authKind?: AuthKindName;
  clientId?: string;
  headers: { authorization?: string };
  widgetSession?: WidgetSession;
}

const guards = new Map<WidgetScope, Type<CanActivate>>();

/**
 * One guard class per scope (Nest instantiates guards by class). It admits a request the gateway
 * signed as a widget call (`public_client`, see the `widget_token` route mode) whose Bearer token
 * verifies (401 otherwise) and carries `scope` (403 otherwise), and hands the session on.
 */
function scopeGuard(scope: WidgetScope): Type<CanActivate> {
  const existing = guards.get(scope);
  if (existing) return existing;
  @Injectable()
  class WidgetScopeGuard implements CanActivate {
    constructor(private readonly tokens: WidgetTokensService) {}

    async canActivate(ctx: ExecutionContext): Promise<boolean> {
      const req = ctx.switchToHttp().getRequest<WidgetRequest>();
      if (!req.environmentId || req.authKind !== 'public_client') throw new UnauthorizedError('This endpoint takes a widget token.');
      const session = await this.tokens.verify(req.environmentId, req.clientId, req.headers.authorization);
      if (!session.scopes.includes(scope)) throw new DomainError(403, 'widget_scope_missing', `The widget token does not carry the scope ${scope}.`);
      req.widgetSession = session;
      return true;
    }
  }
  const guard = mixin(WidgetScopeGuard);
  guards.set(scope, guard);
  return guard;
}

/** On a widget controller: its routes need a widget token carrying `scope`. */
export const RequireWidgetScope = (scope: WidgetScope) => UseGuards(scopeGuard(scope));

/** The verified widget session (set by the scope guard). */
export const Widget = createParamDecorator((_: unknown, ctx: ExecutionContext): WidgetSession => {
  const session = ctx.switchToHttp().getRequest<WidgetRequest>().widgetSession;
  if (!session) throw new UnauthorizedError('This endpoint takes a widget token.');
  return session;
});
