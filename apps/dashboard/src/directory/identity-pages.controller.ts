import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConsoleService } from '../console/console.service';
import { envPath } from '../pages/layout';
import { userPage, usersPage, type SessionView, type UserView } from '../pages/users.page';
import { query, UpstreamClient } from '../upstream/upstream.client';

const userId = (v: string) => (/^user_[0-9A-Za-z]{10,40}$/.test(v) ? v : 'user_invalid');

/** AuthKit users of the selected environment (identity's public API): list, search, detail, session revocation. */
@Controller('dashboard/e/:env/users')
export class IdentityPagesController {
  constructor(
    private readonly console: ConsoleService,
    private readonly upstream: UpstreamClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  users(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Query('search') search: unknown) {
    return this.console.show(req, reply, env, 'users', async (ctx) => {
      // identity's indexed email-prefix `search` (our extension), bounded as identity bounds it.
      const term = typeof search === 'string' ? search.trim().toLowerCase().slice(0, 100) : '';
      const r = await this.upstream.must<{ data: UserView[] }>('identity', env, 'GET', `/user_management/users${query({ limit: 100, search: term || undefined })}`);
      return { html: usersPage(ctx, { base: this.config.PUBLIC_BASE_URL, users: r.data, search: term }) };
    });
  }

  @Get(':id')
  user(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') id: string, @Query('revoked') revoked: unknown) {
    return this.console.show(req, reply, env, 'users', async (ctx) => {
      const user = await this.upstream.must<UserView>('identity', env, 'GET', `/user_management/users/${userId(id)}`);
      const [sessions, memberships, factors, identities] = await Promise.all([
        this.upstream.must<{ data: SessionView[] }>('identity', env, 'GET', `/user_management/users/${user.id}/sessions?limit=100`),
        this.upstream.must<{ data: Array<{ id: string; organization_id: string; status: string; role?: { slug: string } }> }>('identity', env, 'GET', `/user_management/organization_memberships?user_id=${user.id}&limit=100`),
        this.upstream.must<{ data: Array<{ id: string; type: string; created_at: string }> }>('identity', env, 'GET', `/user_management/users/${user.id}/auth_factors?limit=100`),
        this.upstream.must<Array<{ idp_id: string; type: string; provider: string }>>('identity', env, 'GET', `/user_management/users/${user.id}/identities`),
      ]);
      return { html: userPage(ctx, { base: this.config.PUBLIC_BASE_URL, user, sessions: sessions.data, memberships: memberships.data, factors: factors.data, identities: Array.isArray(identities) ? identities : [], revoked: typeof revoked === 'string' && /^session_[0-9A-Za-z]{10,40}$/.test(revoked) ? revoked : null }) };
    });
  }

  @Post(':id/sessions/:sid/revoke')
  revoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('env') env: string, @Param('id') id: string, @Param('sid') sid: string) {
    return this.console.submit(req, reply, env, 'users', 'admin', async (ctx) => {
      const user = await this.upstream.must<UserView>('identity', env, 'GET', `/user_management/users/${userId(id)}`);
      // Only a session of this user: the form's IDs are checked against the user's own list.
      const sessions = await this.upstream.must<{ data: SessionView[] }>('identity', env, 'GET', `/user_management/users/${user.id}/sessions?limit=100`);
      const session = sessions.data.find((s) => s.id === sid);
      if (session) await this.upstream.must('identity', env, 'POST', '/user_management/sessions/revoke', { body: { session_id: session.id } });
      return { redirect: `${envPath(ctx, `users/${user.id}`)}?revoked=${encodeURIComponent(session?.id ?? sid)}`, audit: { action: 'dashboard.session.revoked', target: { type: 'session', id: session?.id ?? sid }, environmentId: env } };
    });
  }
}
