import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, LOGGER, NotFoundError, OrganizationsClient, ValidationError, type Logger } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { User } from '../generated/prisma/client';
import { compileTemplate, renderTemplate, TemplateError, type CompiledTemplate } from '../jwt-template-core/jwt-template';
import { toUserWire } from '../users/users.dto';
import { toJwtTemplateWire, type JwtTemplateWire } from './jwt-templates.dto';
import { JwtTemplatesRepository } from './jwt-templates.repository';

/* A saved template reaches the other replicas' tokens within this long. */
const TEMPLATE_CACHE_MS = 5_000;
/* An organization's data (name, metadata, domains) in tokens may lag its changes this long. */
const ORGANIZATION_CACHE_MS = 10_000;
const MAX_CACHED = 10_000;

/* What the docs' example context holds: a template must render against it when it is saved. */
const SAMPLE_CONTEXT = {
  user: { object: 'user', id: 'user_01', email: 'user@example.com', email_verified: true, first_name: 'User', last_name: 'Test', name: 'User Test', profile_picture_url: null, external_id: null, metadata: {}, locale: null, last_sign_in_at: null, created_at: '2021-01-01T00:00:00.000Z', updated_at: '2021-01-01T00:00:00.000Z' },
  organization: { object: 'organization', id: 'org_01', name: 'Test Organization', metadata: {}, external_id: null, domains: [], allow_profiles_outside_organization: false, created_at: '2021-01-01T00:00:00.000Z', updated_at: '2021-01-01T00:00:00.000Z' },
  organization_membership: { object: 'organization_membership', organization_id: 'org_01', user_id: 'user_01', role: { slug: 'member' }, roles: [{ slug: 'member' }], custom_attributes: {} },
};

/**
 * Each environment's JWT template (the Java SDK's `listJWTTemplate` / `updateJWTTemplate`) and
 * the custom claims it gives an access token. Invariants: only a template that compiles and
 * renders against a sample context is saved (else 422); custom claims never replace a reserved
 * claim (the template refuses them, the renderer drops them, and the session's own claims are
 * written over them); a template that cannot be rendered for a user, or an organization that
 * cannot be read, yields a token without custom claims (logged), never a failed sign-in or a
 * token with guessed values.
 */
@Injectable()
export class JwtTemplatesService {
  private readonly templates = new Map<string, { compiled: CompiledTemplate | null; until: number }>();
  private readonly organizations = new Map<string, { wire: Record<string, unknown> | null; until: number }>();
  private readonly orgClient: OrganizationsClient;
  private readonly log: Logger;

  constructor(
    private readonly repo: JwtTemplatesRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.orgClient = new OrganizationsClient(config.ORGANIZATIONS_URL, internalAuthKeyFor(config, 'organizations'), 2_000);
    this.log = logger.child({ context: JwtTemplatesService.name });
  }

  async get(environmentId: string): Promise<JwtTemplateWire> {
    const row = await this.repo.find(environmentId);
    if (!row) throw new NotFoundError('a JWT template', environmentId);
    return toJwtTemplateWire(row);
  }

  async update(environmentId: string, content: string): Promise<JwtTemplateWire> {
    try {
      renderTemplate(compileTemplate(content), SAMPLE_CONTEXT);
    } catch (err) {
      if (err instanceof TemplateError) throw new ValidationError([{ field: 'content', code: 'invalid_jwt_template', message: err.message }], err.message);
      throw err;
    }
    const row = await this.repo.save(environmentId, content);
    this.templates.delete(environmentId);
    return toJwtTemplateWire(row);
  }

  /** The template's claims for a token of this user (and organization, with these roles); {} without a template. */
  async claimsFor(environmentId: string, user: User, organizationId: string | null, roleSlugs: string[] | null): Promise<Record<string, unknown>> {
    const template = await this.template(environmentId);
    if (!template) return {};
    try {
      const context: Record<string, unknown> = { user: toUserWire(user) };
      if (organizationId && template.roots.has('organization')) {
        const org = await this.organization(environmentId, organizationId);
        if (!org) throw new TemplateError('the organization could not be read');
        context.organization = org;
      }
      if (organizationId) {
        const roles = (roleSlugs ?? []).map((slug) => ({ slug }));
        context.organization_membership = { object: 'organization_membership', organization_id: organizationId, user_id: user.id, role: roles[0] ?? null, roles, custom_attributes: {} };
      }
      return renderTemplate(template, context);
    } catch (err) {
      this.log.warn({ environment_id: environmentId, user_id: user.id, err: (err as Error).message }, 'JWT template not applied; issuing the token without custom claims');
      return {};
    }
  }

  private async template(environmentId: string): Promise<CompiledTemplate | null> {
    const hit = this.templates.get(environmentId);
    if (hit && hit.until > Date.now()) return hit.compiled;
    const row = await this.repo.find(environmentId);
    let compiled: CompiledTemplate | null = null;
    try {
      compiled = row ? compileTemplate(row.content) : null;
    } catch (err) {
      this.log.warn({ environment_id: environmentId, err: (err as Error).message }, 'stored JWT template does not compile; ignored');
    }
    remember(this.templates, environmentId, { compiled, until: Date.now() + TEMPLATE_CACHE_MS });
    return compiled;
  }

  private async organization(environmentId: string, organizationId: string): Promise<Record<string, unknown> | null> {
    const key = `${environmentId}\n${organizationId}`;
    const hit = this.organizations.get(key);
    if (hit && hit.until > Date.now()) return hit.wire;
    const wire = await this.orgClient.wire(environmentId, organizationId).catch(() => null);
    if (wire) remember(this.organizations, key, { wire, until: Date.now() + ORGANIZATION_CACHE_MS });
    return wire;
  }
}

/** A bounded cache entry: the oldest goes first once MAX_CACHED entries are held. */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
}
