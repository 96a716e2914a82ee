import { Inject, Injectable } from '@nestjs/common';
import { newId, NotFoundError, randomToken, sha256Hex } from '@wos/platform';
import type { PortalLink, PortalSession } from '../generated/prisma/client';
import { APP_CONFIG, type AppConfig } from '../config';
import type { PortalIntent } from '../portal-core/intents';
import { UpstreamClient } from '../upstream/upstream.client';
import { PortalSessionCache } from '../portal/session-cache';
import { LinksRepository } from './links.repository';
import type { GenerateLinkInput } from './links.dto';

export interface IssueLink {
  organizationId: string;
  intents: PortalIntent[];
  returnUrl?: string;
  successUrl?: string;
  ssoProviderType?: string;
  itContactId?: string;
  ttlSeconds: number;
}

/** Where an organization's portal lives on the gateway (pages, launch, the session cookie's path). */
export const portalPath = (organizationId: string) => `/portal/o/${organizationId}`;

/**
 * Portal links. Invariants: the link token (32 random bytes) leaves the process only in the
 * link; the database keeps its SHA-256. A link opens once, only under its own organization's
 * path, before it expires and unless revoked; opening it creates a session bound to the link's
 * environment, organization and intents, and nothing else grants one.
 */
@Injectable()
export class LinksService {
  constructor(
    private readonly repo: LinksRepository,
    private readonly upstream: UpstreamClient,
    private readonly cache: PortalSessionCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * After each of a session's writes (a form's POST, the SSO test's result), also a refused one:
   * the write is counted on the session's row, so the session's next lookup keys its kept reads
   * afresh: on this replica at once (its reads are dropped now, and the row with the count), on
   * the others once the row's notification arrives (LinksRepository). A count that fails (the
   * database is down) leaves other replicas' reads to expire (PORTAL_READ_CACHE_MS).
   */
  async sessionWritten(s: PortalSession): Promise<void> {
    this.cache.dropSession(s);
    await this.repo.countWrite(s.environmentId, s.tokenHash).catch(() => undefined);
  }

  /** `POST /portal/generate_link`: the organization must exist in the caller's environment. */
  async generate(environmentId: string, input: GenerateLinkInput): Promise<{ link: string }> {
    await this.mustFindOrganization(environmentId, input.organization);
    const link = await this.issue(environmentId, {
      organizationId: input.organization,
      intents: [input.intent],
      returnUrl: input.return_url,
      successUrl: input.success_url,
      ssoProviderType: input.intent_options?.sso?.provider_type,
      ttlSeconds: this.config.PORTAL_LINK_TTL_SECONDS,
    });
    return { link };
  }

  async mustFindOrganization(environmentId: string, organizationId: string): Promise<{ id: string; name: string }> {
    const org = await this.upstream.organizations.find(environmentId, organizationId);
    if (!org) throw new NotFoundError('an organization', organizationId);
    return org;
  }

  /** A new link's URL on the gateway's public host. */
  async issue(environmentId: string, l: IssueLink): Promise<string> {
    const token = randomToken(32);
    await this.repo.createLink({
      id: newId('portal_link'),
      environmentId,
      organizationId: l.organizationId,
      intents: l.intents,
      returnUrl: l.returnUrl ?? null,
      successUrl: l.successUrl ?? null,
      ssoProviderType: l.ssoProviderType ?? null,
      itContactId: l.itContactId ?? null,
      tokenHash: sha256Hex(token),
      expiresAt: new Date(Date.now() + l.ttlSeconds * 1000),
    });
    return `${this.config.PUBLIC_BASE_URL}${portalPath(l.organizationId)}/launch?${new URLSearchParams({ token })}`;
  }

  /**
   * Opens a link presented under `/portal/o/<organizationId>`: a session and its cookie value,
   * or why not (`unknown` also covers a link of another organization, which reveals nothing).
   */
  async open(organizationId: string, token: string): Promise<{ cookie: string; session: PortalSession; link: PortalLink } | { refused: 'unknown' | 'expired' | 'used' | 'revoked' }> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { refused: 'unknown' };
    const hash = sha256Hex(token);
    const cookie = randomToken(32);
    const opened = await this.repo.openLink(hash, organizationId, (link) => ({
      tokenHash: sha256Hex(cookie),
      environmentId: link.environmentId,
      organizationId: link.organizationId,
      intents: link.intents,
      csrfToken: randomToken(24),
      returnUrl: link.returnUrl,
      successUrl: link.successUrl,
      ssoProviderType: link.ssoProviderType,
      expiresAt: new Date(Date.now() + this.config.PORTAL_SESSION_TTL_SECONDS * 1000),
    }));
    if (opened) return { cookie, ...opened };
    const link = await this.repo.findLinkByToken(hash);
    if (!link || link.organizationId !== organizationId) return { refused: 'unknown' };
    if (link.revokedAt) return { refused: 'revoked' };
    if (link.openedAt) return { refused: 'used' };
    return { refused: 'expired' };
  }

  /** The session a portal cookie names, if it is alive. */
  findSession(cookie: string | undefined): Promise<PortalSession | null> {
    if (!cookie || !/^[A-Za-z0-9_-]{20,100}$/.test(cookie)) return Promise.resolve(null);
    return this.repo.findSession(sha256Hex(cookie));
  }

  revokeForContact(environmentId: string, organizationId: string, contactId: string): Promise<number> {
    return this.repo.revokeForContact(environmentId, organizationId, contactId);
  }
}
