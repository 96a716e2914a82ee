import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, LOGGER, randomToken, safeEqual, sha256Hex, type Logger } from '@wos/platform';
import { cookieValue, newNonce, sendHtml, viaHttps } from '@wos/platform/pages';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuditService, type AuditEntry } from '../audit/audit.service';
import { GatewayConsoleClient } from '../upstream/gateway-console.client';
import { UpstreamClient } from '../upstream/upstream.client';
import { barePage, consolePage, h, type ConsoleContext, type Section } from '../pages/layout';
import { ConsoleRepository, type Member, type Role } from './console.repository';
import { CALLBACK_PATH } from './bootstrap.commands';

export const SESSION_COOKIE = 'wos_dashboard';
const SIGN_IN_COOKIE = 'wos_dashboard_signin';
const SIGN_IN_TTL_SECONDS = 600;

/** What a page handler answers: a page (HTML), or a redirect after a successful POST. */
/** `html` may take the response's CSP nonce (the events tail's one script). */
/** `download` is a file passed on as it streams in (the usage CSV); `filename` must be a plain file name. */
export type Outcome = { redirect: string } | { html: string | ((nonce: string) => string); status?: number } | { json: unknown } | { download: { body: Readable; type: string; filename: string } };
/** A mutating handler names the audit-log event of what it did, so no action goes unrecorded. */
export type Mutation = Outcome & { audit: AuditEntry };

/** Who may do what: read-only members may only look; admins change an environment; owners also manage members. */
const RANK: Record<Role, number> = { read_only: 0, admin: 1, owner: 2 };

/**
 * The request side of every console page. Invariants:
 * - a page renders only for a live session (cookie: 32 random bytes, only their SHA-256 stored);
 * - a POST runs only with, in addition, the session's CSRF token (constant time) AND a role at
 *   least the route's (checked here, server-side, before the handler: a read-only member's
 *   hand-made POST is a 403 and nothing runs);
 * - an environment in the path must be a customer environment the gateway knows; the built-in
 *   environment (the console's own sign-in) is never shown or changed through the pages;
 * - identity comes from the AuthKit code exchange only (a verified email matched to a member).
 */
@Injectable()
export class ConsoleService {
  constructor(
    private readonly repo: ConsoleRepository,
    private readonly upstream: UpstreamClient,
    private readonly gateway: GatewayConsoleClient,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `GET /dashboard/sign-in`: a PKCE sign-in through the built-in environment's hosted AuthKit. */
  async startSignIn(req: FastifyRequest, reply: FastifyReply) {
    if (await this.sessionOf(req)) return redirect(reply, '/dashboard');
    const install = await this.repo.installation();
    if (!install) return this.bare(reply, 503, 'Not set up yet', '<p>Run <code>wos dashboard bootstrap</code> (tools/run.sh does) to create the console\'s sign-in environment and owner.</p>');
    const state = randomToken(32);
    const verifier = randomToken(32);
    await this.repo.saveSignInRequest(sha256Hex(state), verifier, new Date(Date.now() + SIGN_IN_TTL_SECONDS * 1000));
    const q = new URLSearchParams({
      client_id: install.clientId,
      redirect_uri: `${this.config.PUBLIC_BASE_URL}${CALLBACK_PATH}`,
      response_type: 'code',
      provider: 'authkit',
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    reply.header('set-cookie', this.cookie(req, SIGN_IN_COOKIE, state, SIGN_IN_TTL_SECONDS));
    return redirect(reply, `${this.config.PUBLIC_BASE_URL}/user_management/authorize?${q}`);
  }

  /** `GET /dashboard/callback`: the state must be this browser's; the code is exchanged server-side with the verifier. */
  async finishSignIn(req: FastifyRequest, reply: FastifyReply) {
    const q = req.query as Record<string, unknown>;
    const state = typeof q.state === 'string' && q.state.length <= 128 ? q.state : '';
    const code = typeof q.code === 'string' && q.code.length <= 512 ? q.code : '';
    const expected = cookieValue(req, SIGN_IN_COOKIE) ?? '';
    reply.header('set-cookie', this.cookie(req, SIGN_IN_COOKIE, '', 0));
    if (!state || !code || !expected || !safeEqual(state, expected)) return this.signInFailed(reply, 'This sign-in was not started in this browser, or it expired.');
    const verifier = await this.repo.spendSignInRequest(sha256Hex(state));
    const install = await this.repo.installation();
    if (!verifier || !install) return this.signInFailed(reply, 'This sign-in expired or was already used.');
    const auth = await this.upstream.call<{ user?: { id: string; email: string; email_verified: boolean } }>('identity', install.environmentId, 'POST', '/user_management/authenticate', {
      body: { grant_type: 'authorization_code', client_id: install.clientId, code, code_verifier: verifier },
      publicClientId: install.clientId,
    });
    const user = auth.status === 200 ? auth.body.user : undefined;
    if (!user) return this.signInFailed(reply, 'AuthKit did not accept the sign-in code.');
    // Only a verified address names a member: an unverified one could be anybody's.
    if (!user.email_verified) return this.signInFailed(reply, 'Verify your email address first.', 403);
    const member = await this.repo.memberByEmail(user.email.toLowerCase());
    if (!member || !(await this.repo.bindUser(member.id, user.id))) return this.signInFailed(reply, 'This account is not a member of this Dashboard. Ask an owner to add you.', 403);
    const token = randomToken(32);
    await this.repo.createSession({ tokenHash: sha256Hex(token), memberId: member.id, csrfToken: randomToken(32), expiresAt: new Date(Date.now() + this.config.DASHBOARD_SESSION_TTL_SECONDS * 1000) });
    await this.audit.record(req, member, { action: 'dashboard.member.signed_in', target: { type: 'dashboard_member', id: member.id, name: member.email } });
    reply.header('set-cookie', this.cookie(req, SESSION_COOKIE, token, this.config.DASHBOARD_SESSION_TTL_SECONDS));
    return redirect(reply, '/dashboard');
  }

  async signOut(req: FastifyRequest, reply: FastifyReply) {
    const s = await this.sessionOf(req);
    const body = formBody(req);
    if (!s || !body.csrf_token || !safeEqual(body.csrf_token, s.csrfToken)) return this.bare(reply, 403, 'Refused', '<p>This form expired. <a href="/dashboard">Back to the Dashboard</a>.</p>');
    await this.repo.deleteSession(s.tokenHash);
    await this.audit.record(req, s.member, { action: 'dashboard.member.signed_out', target: { type: 'dashboard_member', id: s.member.id, name: s.member.email } });
    reply.header('set-cookie', this.cookie(req, SESSION_COOKIE, '', 0));
    return this.bare(reply, 200, 'Signed out', '<p><a href="/dashboard/sign-in">Sign in again</a></p>');
  }

  /**
   * `GET /dashboard/switch`: a GET form, as nothing changes (the selected environment lives in the
   * URL, not the session); it is still recorded in the audit log, as the member's explicit choice.
   */
  async switchEnvironment(req: FastifyRequest, reply: FastifyReply, environment: unknown) {
    const s = await this.sessionOf(req);
    if (!s) return redirect(reply, '/dashboard/sign-in');
    return this.run(reply, s, null, 'environments', async (ctx) => {
      const env = ctx.environments.find((e) => e.id === environment);
      if (!env) return { redirect: '/dashboard/environments' };
      await this.audit.record(req, s.member, { action: 'dashboard.environment.switched', target: { type: 'environment', id: env.id, name: env.name }, environmentId: env.id });
      return { redirect: `/dashboard/e/${encodeURIComponent(env.id)}/api-keys?done=switched` };
    });
  }

  /** A page: a live session, else to the sign-in. `environmentId`, when given, must be a customer environment. */
  async show(req: FastifyRequest, reply: FastifyReply, environmentId: string | null, section: Section, handler: (ctx: ConsoleContext) => Promise<Outcome>) {
    const s = await this.sessionOf(req);
    if (!s) return redirect(reply, '/dashboard/sign-in');
    return this.run(reply, s, environmentId, section, handler);
  }

  /** A form POST: session, CSRF token and role checked before the handler runs; its audit event recorded after. */
  async submit(req: FastifyRequest, reply: FastifyReply, environmentId: string | null, section: Section, role: Exclude<Role, 'read_only'>, handler: (ctx: ConsoleContext, body: Record<string, string>) => Promise<Mutation>) {
    const s = await this.sessionOf(req);
    const body = formBody(req);
    if (!s) return this.bare(reply, 403, 'Refused', '<p>Sign in first. <a href="/dashboard/sign-in">Sign in</a></p>');
    if (!body.csrf_token || !safeEqual(body.csrf_token, s.csrfToken)) return this.bare(reply, 403, 'Refused', '<p>This form expired or did not come from the Dashboard. <a href="/dashboard">Back</a></p>');
    if (RANK[s.member.role as Role] < RANK[role]) {
      return this.bare(reply, 403, 'Not allowed', `<p>Your role (${h(s.member.role)}) cannot do this; it needs ${h(role)}. Nothing was changed.</p><p><a href="/dashboard">Back</a></p>`);
    }
    return this.run(reply, s, environmentId, section, async (ctx) => {
      const outcome = await handler(ctx, body);
      await this.audit.record(req, s.member, outcome.audit);
      return outcome;
    });
  }

  private async run(reply: FastifyReply, s: LiveSession, environmentId: string | null, section: Section, handler: (ctx: ConsoleContext) => Promise<Outcome>) {
    let ctx: ConsoleContext;
    try {
      ctx = await this.context(s, environmentId);
    } catch (err) {
      if (err instanceof DomainError && err.status >= 500) return this.bare(reply, 503, 'Unavailable', `<p>${h(err.message)}</p>`);
      throw err;
    }
    if (environmentId && !ctx.environment) return this.bare(reply, 404, 'Not found', '<p>No such environment. <a href="/dashboard/environments">Environments</a></p>');
    let outcome: Outcome;
    try {
      outcome = await handler(ctx);
    } catch (err) {
      // A refusal from a service below is shown with its own message; an unreachable one is a 503.
      if (!(err instanceof DomainError)) throw err;
      const status = err.status >= 500 ? 503 : err.status === 404 ? 404 : 400;
      const errors = Array.isArray(err.extra.errors) ? (err.extra.errors as Array<{ field?: string; message?: string }>).map((e) => `<li>${h(e.field ?? '')}: ${h(e.message ?? '')}</li>`).join('') : '';
      return this.send(reply, status, consolePage(ctx, { title: status === 503 ? 'Unavailable' : 'Not done', section, body: `<p class="error" role="alert">${h(err.message)}</p>${errors ? `<ul>${errors}</ul>` : ''}<p><a href="/dashboard">Back to the Dashboard</a></p>` }));
    }
    if ('redirect' in outcome) return redirect(reply, outcome.redirect);
    if ('json' in outcome) return reply.header('cache-control', 'no-store').type('application/json').send(outcome.json);
    if ('download' in outcome) {
      const { body, type, filename } = outcome.download;
      return reply
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
        .type(type)
        .send(body);
    }
    return this.send(reply, outcome.status ?? 200, outcome.html);
  }

  private async context(s: LiveSession, environmentId: string | null): Promise<ConsoleContext> {
    const environments = (await this.gateway.environments()).filter((e) => !e.builtin).map((e) => ({ id: e.id, name: e.name, kind: e.kind }));
    return {
      member: { id: s.member.id, email: s.member.email, role: s.member.role as Role },
      csrf: s.csrfToken,
      environments,
      environment: environmentId ? (environments.find((e) => e.id === environmentId) ?? null) : null,
    };
  }

  private async sessionOf(req: FastifyRequest): Promise<LiveSession | null> {
    const token = cookieValue(req, SESSION_COOKIE);
    if (!token || token.length > 128) return null;
    return this.repo.liveSession(sha256Hex(token));
  }

  private cookie(req: FastifyRequest, name: string, value: string, maxAge: number): string {
    return `${name}=${value}; Path=/dashboard; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${viaHttps(req) ? '; Secure' : ''}`;
  }

  private signInFailed(reply: FastifyReply, message: string, status = 400) {
    this.logger.info({ status, message }, 'dashboard sign-in refused');
    return this.bare(reply, status, 'Sign-in failed', `<p class="error" role="alert">${h(message)}</p><p><a href="/dashboard/sign-in">Try again</a></p>`);
  }

  bare(reply: FastifyReply, status: number, title: string, body: string) {
    return this.send(reply, status, barePage(title, body));
  }

  /**
   * The hosted pages' headers (no caching, no framing, no referrer), with a CSP of the console's
   * own: inline styles, data: images, only this response's nonce'd script, which may fetch this
   * origin (the events tail), and forms that post only here.
   */
  private send(reply: FastifyReply, status: number, html: string | ((nonce: string) => string)) {
    const nonce = newNonce();
    return sendHtml(reply, status, typeof html === 'string' ? html : html(nonce), { locale: 'en', nonce, csp: "connect-src 'self'; form-action 'self'" });
  }
}

type LiveSession = NonNullable<Awaited<ReturnType<ConsoleRepository['liveSession']>>> & { member: Member };

function redirect(reply: FastifyReply, location: string) {
  return reply.status(303).header('location', location).header('cache-control', 'no-store').send();
}

/** The form's string fields (a form body is flat; anything else is dropped). */
export function formBody(req: FastifyRequest): Record<string, string> {
  const raw = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
