import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { headerOf } from '@wos/platform/pages';
import type { AuthorizationRequest } from './authorization-request';
import { HostedPagesService } from './hosted/hosted-pages.service';
import { SsoHandoffService, type SignUpRefused } from './sso-handoff.service';

type Notice = Parameters<HostedPagesService['sendNotice']>[5];

/** Unsigned (gateway auth `none`): the environment comes from the sealed state, never a header. */
@Controller('user_management/sso/callback')
export class SsoCallbackController {
  constructor(
    private readonly handoff: SsoHandoffService,
    private readonly pages: HostedPagesService,
  ) {}

  @Get()
  async callback(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const outcome = await this.handoff.complete(query);
    if (typeof outcome !== 'string') return this.refuse(outcome, req, reply);
    return reply.status(302).header('location', outcome).header('cache-control', 'no-store').send();
  }

  /**
   * A new user the sign-up policy refused: a browser gets the hosted page saying why (the waitlist,
   * or an invitation needed) with the way back into AuthKit; any other caller the WorkOS-shaped
   * 403 JSON. Nothing was created and no code was issued.
   */
  private refuse({ refused, environmentId, request }: SignUpRefused, req: FastifyRequest, reply: FastifyReply) {
    if (!/\btext\/html\b/.test(headerOf(req, 'accept') ?? '')) throw refused;
    const notice: Notice =
      refused.policy === 'waitlist'
        ? { title: 'waitlist.required.title', body: 'waitlist.required.body', vars: { email: refused.email }, link: [authorizeAgain(request, true), 'waitlist.title'], alert: true }
        : { title: 'sign_up.closed.title', body: 'sign_up.closed.body', link: [authorizeAgain(request, false), 'common.back_to_sign_in'], alert: true };
    return this.pages.sendNotice(req, reply, environmentId, request.clientId, 403, notice);
  }
}

/** The app's sign-in again, on AuthKit's own pages (the waitlist form when `signUp`), with its request unchanged. */
function authorizeAgain(r: AuthorizationRequest, signUp: boolean): string {
  const q = new URLSearchParams({ client_id: r.clientId, redirect_uri: r.redirectUri, response_type: 'code', provider: 'authkit' });
  if (r.state !== null) q.set('state', r.state);
  if (r.codeChallenge) {
    q.set('code_challenge', r.codeChallenge);
    q.set('code_challenge_method', 'S256');
  }
  if (signUp) q.set('screen_hint', 'sign-up');
  return `/user_management/authorize?${q}`;
}
