import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, safeEqual } from '@wos/platform';
import { cookieValue, DEFAULT_BRAND_COLOR, headerOf, newNonce, sendHtml, viaHttps, type PageBrand } from '@wos/platform/pages';
import { APP_CONFIG, type AppConfig } from '../config';
import type { PortalSession } from '../generated/prisma/client';
import { LinksService, portalPath } from '../links/links.service';
import { isPortalIntent, type PortalIntent } from '../portal-core/intents';
import { UpstreamClient } from '../upstream/upstream.client';
import { pickLocale, translator, type MessageKey } from './i18n/messages';
import { h, notice, page, type PortalContext } from './pages/layout';
import { PortalSessionCache } from './session-cache';

export const SESSION_COOKIE = 'wos_portal';

/** What a page handler answers: a page, or a redirect (the next page, the IdP). */
/**
 * What a page handler answers: a page, or a redirect (the next page, the IdP). `complete` says the
 * page's intent is set up (an active connection, a linked directory, a verified domain, …): only
 * then does the page offer the link's success_url.
 */
export type Outcome = { redirect: string } | { page: (ctx: PortalContext) => string; status?: number; complete?: boolean };

/**
 * The request side of every portal page. Invariants: a page renders only with a live session
 * cookie whose organization is the one in the path and whose intents include the page's; a
 * POST runs only when, in addition, the form's CSRF token equals the session's (constant time).
 * Everything a handler does is scoped by the session's environment and organization, never by
 * anything else in the request. A GET's reads may come from the session's cache
 * (PortalSessionCache.read); a POST checks what it writes against fresh reads (never a page's
 * kept read), and once it has run the session's cache is dropped, so the page that follows
 * shows the write.
 */
@Injectable()
export class PortalPagesService {
  private readonly brands = new Map<string, { brand: PageBrand | null; at: number }>();

  constructor(
    private readonly links: LinksService,
    private readonly upstream: UpstreamClient,
    private readonly cache: PortalSessionCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `GET …/launch?token=`: spends the link, sets the session cookie, and goes to the link's first page. */
  async launch(req: FastifyRequest, reply: FastifyReply, organizationId: string, token: string) {
    const opened = await this.links.open(organizationId, token);
    if ('refused' in opened) return this.refuse(req, reply, opened.refused === 'unknown' ? 404 : 410, `error.link.${opened.refused}` as MessageKey);
    const cookie = `${SESSION_COOKIE}=${opened.cookie}; Path=${portalPath(organizationId)}; HttpOnly; SameSite=Lax; Max-Age=${this.config.PORTAL_SESSION_TTL_SECONDS}${viaHttps(req) ? '; Secure' : ''}`;
    return reply.status(303).header('set-cookie', cookie).header('cache-control', 'no-store').header('location', `${portalPath(organizationId)}/${opened.session.intents[0]}`).send();
  }

  /** A GET: the handler reads what the page shows while the page's context is made (neither waits for the other). */
  async show(req: FastifyRequest, reply: FastifyReply, organizationId: string, intent: PortalIntent, handler: (s: PortalSession) => Promise<Outcome>) {
    const s = await this.sessionFor(req, organizationId);
    if (!s) return this.refuse(req, reply, 403, 'error.session');
    return this.run(req, reply, s, intent, { alongside: () => handler(s) });
  }

  async submit(req: FastifyRequest, reply: FastifyReply, organizationId: string, intent: PortalIntent, handler: (s: PortalSession, body: Record<string, string>, ctx: PortalContext) => Promise<Outcome>) {
    const raw = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const body = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const s = await this.sessionFor(req, organizationId);
    if (!s) return this.refuse(req, reply, 403, 'error.session');
    if (!body.csrf_token || !safeEqual(body.csrf_token, s.csrfToken)) return this.refuse(req, reply, 403, 'error.csrf', s);
    return this.run(req, reply, s, intent, { after: (ctx) => handler(s, body, ctx) });
  }

  /** Runs a page's handler: `alongside` the context (a GET's reads), or `after` it (a POST uses the organization's name). */
  private async run(req: FastifyRequest, reply: FastifyReply, s: PortalSession, intent: PortalIntent, handler: { alongside: () => Promise<Outcome> } | { after: (ctx: PortalContext) => Promise<Outcome> }) {
    if (!s.intents.includes(intent)) return this.refuse(req, reply, 403, 'error.intent', s);
    // context() never rejects (the organization and the brand fall back), so it may run unawaited beside the handler.
    const context = this.context(req, s);
    let ctx: PortalContext;
    let outcome: Outcome;
    try {
      if ('alongside' in handler) [ctx, outcome] = await Promise.all([context, handler.alongside()]);
      else {
        ctx = await context;
        // A write (or a refused one, which may have changed part of what it touched) is followed by fresh reads.
        try {
          outcome = await handler.after(ctx);
        } finally {
          await this.links.sessionWritten(s);
        }
      }
    } catch (err) {
      // A refusal from a service below (bad metadata, unknown domain) is shown on a page with its
      // own message; an unreachable service is a 503 page. Anything else is a bug (500).
      if (!(err instanceof DomainError)) throw err;
      ctx = await context;
      const status = err.status >= 500 ? 503 : 400;
      const detail = err.status >= 500 ? '' : `<p>${h(err.message)}</p>`;
      return sendHtml(reply, status, page(ctx, { title: 'error.title', current: intent, body: `<p class="error" role="alert">${h(ctx.t(err.status >= 500 ? 'error.unavailable' : 'error.generic'))}</p>${detail}<p><a href="${h(`${portalPath(s.organizationId)}/${intent}`)}">${h(ctx.t(`intent.${intent}` as MessageKey))}</a></p>` }), ctx);
    }
    if ('redirect' in outcome) return reply.status(303).header('location', outcome.redirect).header('cache-control', 'no-store').send();
    if (outcome.complete && ctx.session) ctx.session.setupComplete = true;
    return sendHtml(reply, outcome.status ?? 200, outcome.page(ctx), ctx);
  }

  /** The live session of this browser for this organization (the cookie is path-scoped to it). */
  private async sessionFor(req: FastifyRequest, organizationId: string): Promise<PortalSession | null> {
    const s = await this.links.findSession(cookieValue(req, SESSION_COOKIE));
    return s && s.organizationId === organizationId ? s : null;
  }

  private async refuse(req: FastifyRequest, reply: FastifyReply, status: number, body: MessageKey, s?: PortalSession) {
    const ctx = await this.context(req, s ?? null);
    return sendHtml(reply, status, notice(ctx, body), ctx);
  }

  async context(req: FastifyRequest, s: PortalSession | null): Promise<PortalContext> {
    const locale = pickLocale(headerOf(req, 'accept-language'));
    const [organizationName, brand] = s ? await Promise.all([this.organizationName(s), this.brandOf(s)]) : [null, DEFAULT_BRAND];
    return {
      t: translator(locale),
      locale,
      nonce: newNonce(),
      brand,
      session: s
        ? { organizationId: s.organizationId, organizationName: organizationName ?? s.organizationId, intents: s.intents.filter(isPortalIntent), csrf: s.csrfToken, returnUrl: s.returnUrl, successUrl: s.successUrl, setupComplete: false }
        : null,
    };
  }

  /**
   * The session's organization's name, remembered for the session (PortalSessionCache); null when
   * the organizations service cannot answer (the page shows the ID, and the next render asks again).
   */
  private organizationName(s: PortalSession): Promise<string | null> {
    return this.cache.remember(s, 'organization_name', async () => {
      const r = await this.upstream.call<{ name?: string }>('organizations', s.environmentId, 'GET', `/organizations/${encodeURIComponent(s.organizationId)}`).catch(() => null);
      return r?.status === 200 && r.body.name ? r.body.name : null;
    });
  }

  /**
   * The environment's branding, remembered for the session like the organization's name (so a
   * warm render calls no other service); the default brand, not remembered, when identity cannot answer.
   */
  private async brandOf(s: PortalSession): Promise<PageBrand> {
    return (await this.cache.remember(s, 'brand', () => this.environmentBrand(s.environmentId))) ?? DEFAULT_BRAND;
  }

  /**
   * The environment's branding from the hosted AuthKit pages' settings (identity), cached 5 s
   * per process as identity caches them (null, also for 5 s, while identity cannot answer).
   */
  private async environmentBrand(environmentId: string): Promise<PageBrand | null> {
    const cached = this.brands.get(environmentId);
    if (cached && Date.now() - cached.at < 5_000) return cached.brand;
    let brand: PageBrand | null = null;
    try {
      const r = await this.upstream.call<{ branding?: { name?: string | null; logo?: string | null; primary_color?: string | null } }>('identity', environmentId, 'GET', '/user_management/authkit/settings');
      if (r.status === 200) {
        const b = r.body.branding;
        brand = b ? { name: b.name ?? DEFAULT_BRAND.name, logo: b.logo ?? null, color: b.primary_color && /^#[0-9a-fA-F]{6}$/.test(b.primary_color) ? b.primary_color : DEFAULT_BRAND_COLOR } : DEFAULT_BRAND;
      }
    } catch {
      /* identity is down: the default brand */
    }
    if (this.brands.size > 1000) this.brands.clear();
    this.brands.set(environmentId, { brand, at: Date.now() });
    return brand;
  }
}

const DEFAULT_BRAND: PageBrand = { name: 'Admin Portal', logo: null, color: DEFAULT_BRAND_COLOR };
