import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, randomToken, RateLimitedError, safeEqual } from '@wos/platform';
import { cookieValue, headerOf, newNonce, sendHtml, viaHttps } from '@wos/platform/pages';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuthenticateThrottle } from '../../authenticate/authenticate.throttle';
import { AuthkitSettingsService } from '../branding/authkit-settings.service';
import { pickLocale, translator } from '../i18n/messages';
import { DEFAULT_BRAND_COLOR, pageUrl, type PageContext } from '../pages/layout';
import { renderNotice } from '../pages/notice.page';
import { FLOW_COOKIE, FLOW_TTL_SECONDS, HostedFlowStore, mayBeCsrfToken, type FlowStart, type HostedFlow } from './hosted-flow.store';

/** What a page handler answers: another page, or a redirect (the next step, the IdP, the app). */
export type Outcome = { redirect: string; status?: 302 | 303 } | { page: (ctx: PageContext) => string; status?: number };

/** The flow a request belongs to, with the facts handlers need about the browser. */
export interface FlowSession {
  id: string;
  flow: HostedFlow;
  ip: string | null;
  userAgent: string | null;
  /** The browser's device cookie (radar's device for the hosted sign-ins; set on first sight). */
  deviceId: string;
  /** Set by a handler that finished the flow (the code was issued): the flow is deleted, not saved. */
  ended?: boolean;
}

/** A refusal that is not a CSRF one, shown as a page with this status (an expired link, a bad request). */
export class HostedPageError extends Error {
  constructor(
    readonly status: number,
    readonly body: 'error.generic' | 'error.expired.body' | 'reset.error.token' | 'invite.error' | 'agent_claim.error.link',
  ) {
    super(body);
  }
}

/**
 * The request side of every hosted page: the flow from its cookie, the CSRF check, the per-form
 * rate limit, the language and branding, the security headers. Invariants: a POST runs only with
 * the flow cookie of this environment and client AND the flow's CSRF token in the body (else 403,
 * nothing runs); every form counts against a per-IP Redis window before its handler runs.
 */
@Injectable()
export class HostedPagesService {
  constructor(
    private readonly store: HostedFlowStore,
    private readonly settings: AuthkitSettingsService,
    private readonly throttle: AuthenticateThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A GET: renders with the browser's flow. `start.make` opens a new flow (cookie) always, or only
   * when the browser has none (`always: false`, an emailed link); without it, no flow is the
   * expired page.
   */
  async show(req: FastifyRequest, reply: FastifyReply, env: string, clientId: string | undefined, handler: (s: FlowSession) => Promise<Outcome>, start?: { always: boolean; make: () => Promise<FlowStart> }) {
    if (!clientId) return this.refuse(req, reply, env, '', 400, 'error.generic');
    let id = cookieOf(req);
    let flow = await this.store.load(id);
    if (flow && (flow.environmentId !== env || flow.clientId !== clientId)) flow = null;
    let fresh = false;
    if (start && (start.always || !flow)) {
      ({ id, flow } = await this.store.create(await start.make()));
      fresh = true;
    }
    if (!flow || !id) return this.refuse(req, reply, env, clientId, 403, 'error.expired.body');
    return this.respond(req, reply, env, { id, flow, ip: req.ip ?? null, userAgent: userAgentOf(req), deviceId: deviceOf(req, reply) }, handler, fresh);
  }

  /** A POST: flow cookie + CSRF token, then the form's rate limit, then the handler. */
  async submit(req: FastifyRequest, reply: FastifyReply, env: string, clientId: string | undefined, form: string, handler: (s: FlowSession, body: Record<string, unknown>) => Promise<Outcome>) {
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const id = cookieOf(req);
    const token = typeof body.csrf_token === 'string' ? body.csrf_token : '';
    // A token of the wrong shape equals no flow's: refused before the flow is read (nor its life extended).
    const flow = mayBeCsrfToken(token) ? await this.store.load(id) : null;
    if (!flow || !id || flow.environmentId !== env || flow.clientId !== clientId || !safeEqual(token, flow.csrf)) {
      return this.refuse(req, reply, env, clientId ?? '', 403, 'csrf');
    }
    try {
      if (req.ip) await this.throttle.hit(env, `form:${form}`, req.ip, this.config.HOSTED_FORM_LIMIT_PER_MINUTE);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      void reply.header('retry-after', String(err.retryAfterSeconds));
      return this.refuse(req, reply, env, clientId!, 429, 'error.rate_limited', flow);
    }
    return this.respond(req, reply, env, { id, flow, ip: req.ip ?? null, userAgent: userAgentOf(req), deviceId: deviceOf(req, reply) }, (s) => handler(s, body), false);
  }

  private async respond(req: FastifyRequest, reply: FastifyReply, env: string, s: FlowSession, handler: (s: FlowSession) => Promise<Outcome>, fresh: boolean) {
    let outcome: Outcome;
    try {
      outcome = await handler(s);
    } catch (err) {
      if (err instanceof HostedPageError) return this.refuse(req, reply, env, s.flow.clientId, err.status, err.body, s.flow);
      // A refusal of the domain below (a 4xx) is a page too, never the API's JSON body; so is a
      // dependency that is down (SSO, organizations: 503). Anything else is a bug: a 500 with its request ID.
      if (err instanceof DomainError) return this.refuse(req, reply, env, s.flow.clientId, err.status < 500 ? 400 : 503, 'error.generic', s.flow);
      throw err;
    }
    if (s.ended) await this.store.end(s.id);
    else await this.store.save(s.id, s.flow);
    if (fresh) void reply.header('set-cookie', flowCookie(s.id, req));
    if ('redirect' in outcome) return reply.status(outcome.status ?? 303).header('location', outcome.redirect).header('cache-control', 'no-store').send();
    const ctx = await this.context(req, env, s.flow.clientId, s.flow.csrf);
    return this.send(reply, outcome.status ?? 200, outcome.page(ctx), ctx);
  }

  /** CSRF (403), expired flows, rate limits and bad links: a page, with nothing done. */
  private async refuse(req: FastifyRequest, reply: FastifyReply, env: string, clientId: string, status: number, kind: 'csrf' | HostedPageError['body'] | 'error.rate_limited', flow?: HostedFlow) {
    const ctx = await this.context(req, env, clientId, null);
    const back: [string, 'common.back_to_sign_in'] | null = flow?.request ? [pageUrl(ctx, 'sign-in'), 'common.back_to_sign_in'] : null;
    const page =
      kind === 'csrf'
        ? renderNotice(ctx, { title: 'error.csrf.title', body: 'error.csrf.body', alert: true })
        : renderNotice(ctx, { title: 'error.title', body: kind, alert: true, link: back });
    return this.send(reply, status, page, ctx);
  }

  /** A notice outside any flow (the SSO callback's refusals), in the environment's branding and the browser's language. */
  async sendNotice(req: FastifyRequest, reply: FastifyReply, env: string, clientId: string, status: number, notice: Parameters<typeof renderNotice>[1]) {
    const ctx = await this.context(req, env, clientId, null);
    return this.send(reply, status, renderNotice(ctx, notice), ctx);
  }

  async context(req: FastifyRequest, env: string, clientId: string, csrf: string | null): Promise<PageContext> {
    const settings = await this.settings.forEnvironment(env);
    const locale = pickLocale(headerOf(req, 'accept-language'));
    return {
      t: translator(locale),
      locale,
      brand: { name: settings.brandName ?? 'AuthKit', logo: settings.logoDataUrl, color: settings.primaryColor ?? DEFAULT_BRAND_COLOR },
      clientId,
      csrf,
      nonce: newNonce(),
    };
  }

  private send(reply: FastifyReply, status: number, html: string, ctx: PageContext) {
    return sendHtml(reply, status, html, ctx);
  }
}

const userAgentOf = (req: FastifyRequest) => headerOf(req, 'user-agent')?.slice(0, 512) ?? null;

/** The device cookie: random, so it identifies a browser and says nothing about it. */
export const DEVICE_COOKIE = 'wos_device';
const DEVICE_ID = /^[A-Za-z0-9_-]{43}$/;
/* 400 days, the longest lifetime browsers keep a cookie for. */
const DEVICE_TTL_SECONDS = 400 * 86_400;

/**
 * The browser's device ID, from its cookie or new (the cookie is then set on this response).
 * HttpOnly, SameSite=Lax, on the hosted pages' path; only radar's device hash is ever derived from it.
 */
function deviceOf(req: FastifyRequest, reply: FastifyReply): string {
  const known = cookieValue(req, DEVICE_COOKIE);
  if (known && DEVICE_ID.test(known)) return known;
  const id = randomToken(32);
  const secure = viaHttps(req) ? '; Secure' : '';
  void reply.header('set-cookie', `${DEVICE_COOKIE}=${id}; Path=/user_management/authorize; HttpOnly; SameSite=Lax; Max-Age=${DEVICE_TTL_SECONDS}${secure}`);
  return id;
}

/** The flow cookie's value. */
const cookieOf = (req: FastifyRequest) => cookieValue(req, FLOW_COOKIE);

/*
 * HttpOnly (no script reads it), SameSite=Lax (a cross-site form post arrives without it, so a
 * forged post fails even before the token check), scoped to the hosted pages' path, Secure
 * whenever the browser reached the gateway over https.
 */
function flowCookie(id: string, req: FastifyRequest): string {
  const secure = viaHttps(req) ? '; Secure' : '';
  return `${FLOW_COOKIE}=${id}; Path=/user_management/authorize; HttpOnly; SameSite=Lax; Max-Age=${FLOW_TTL_SECONDS}${secure}`;
}
