import { Injectable } from '@nestjs/common';
import { DomainError, newId, SecretBox } from '@wos/platform';
import type { DataIntegration, OrganizationIntegrationConfig } from '../generated/prisma/client';
import type { OrgConfigInput } from './integrations.dto';
import { IntegrationsService } from './integrations.service';
import { OrgConfigsRepository } from './org-configs.repository';
import { orgConfigSecretContext } from '../infra/sealed-columns';

/** What applies to one owner: the integration, with its organization's settings over it. */
export interface EffectiveSettings {
  enabled: boolean;
  /** null: the provider's default scopes. */
  scopes: string[] | null;
  /** The OAuth client that authorizes and refreshes; null when none is configured (yet). */
  client: { id: string; secret: string | null } | null;
}

/**
 * Organizations' own settings per provider slug (the Java SDK's `pipesProvider`): an organization
 * can disable a provider for itself, narrow or widen its scopes, and, where the integration's
 * credentials type is `organization`, supply its own OAuth app. Invariant: an organization's
 * client secret is sealed (context `organization_integration_config:<id>`) and shown as its last
 * four characters; its settings apply only to connections that name that organization.
 */
@Injectable()
export class OrgConfigsService {
  constructor(
    private readonly repo: OrgConfigsRepository,
    private readonly integrations: IntegrationsService,
    private readonly box: SecretBox,
  ) {}

  async effective(environmentId: string, integration: DataIntegration, organizationId: string | null): Promise<EffectiveSettings> {
    return this.settingsFrom(integration, organizationId ? await this.repo.find(environmentId, organizationId, integration.slug) : null);
  }

  /** The same from rows already read (the token path reads them in one statement). */
  settingsFrom(integration: DataIntegration, cfg: OrganizationIntegrationConfig | null): EffectiveSettings {
    const base: EffectiveSettings = {
      enabled: integration.enabled,
      scopes: integration.scopesSet ? integration.scopes : null,
      client: integration.credentialsType === 'custom' && integration.clientId ? { id: integration.clientId, secret: this.integrations.clientSecret(integration) } : null,
    };
    if (!cfg) return base;
    return {
      enabled: base.enabled && cfg.enabled,
      scopes: cfg.scopesSet ? cfg.scopes : base.scopes,
      client: integration.credentialsType === 'organization' && cfg.clientId ? { id: cfg.clientId, secret: this.secret(cfg) } : base.client,
    };
  }

  async list(environmentId: string, organizationId: string) {
    const [userOwned, orgOwned, configs] = await Promise.all([
      this.integrations.listForOwner(environmentId, 'user'),
      this.integrations.listForOwner(environmentId, 'organization'),
      this.repo.listForOrganization(environmentId, organizationId),
    ]);
    const bySlug = new Map<string, DataIntegration>();
    for (const i of [...orgOwned, ...userOwned]) bySlug.set(i.slug, i);
    const cfgs = new Map(configs.map((c) => [c.slug, c]));
    return { object: 'list' as const, data: [...bySlug.values()].map((i) => this.wire(i, organizationId, cfgs.get(i.slug) ?? null)) };
  }

  async put(environmentId: string, organizationId: string, slug: string, input: OrgConfigInput) {
    const integration = (await this.integrations.find(environmentId, slug, 'organization')) ?? (await this.integrations.find(environmentId, slug, 'user'));
    if (!integration) throw new DomainError(404, 'entity_not_found', `Could not find a data integration with the slug, ${slug}.`, { entity_id: slug });
    if (input.client_id && integration.credentialsType !== 'organization') {
      throw new DomainError(422, 'organization_credentials_not_supported', `The ${slug} integration does not take organization-managed credentials.`);
    }
    if (input.config && integration.credentialsType !== 'organization') {
      throw new DomainError(422, 'organization_config_not_supported', `Config for ${slug} belongs on the integration itself.`);
    }
    const id = newId('data_integration_config');
    const now = new Date();
    const existing = await this.repo.find(environmentId, organizationId, slug);
    const sealContext = orgConfigSecretContext(existing?.id ?? id);
    const changes: Record<string, unknown> = {};
    if (input.enabled !== undefined && input.enabled !== null) changes.enabled = input.enabled;
    if (input.scopes !== undefined) Object.assign(changes, { scopes: input.scopes ?? [], scopesSet: input.scopes !== null });
    if (input.client_id !== undefined) {
      Object.assign(changes, input.client_id
        ? { clientId: input.client_id, clientSecretSealed: this.box.seal(input.client_secret!, sealContext), clientSecretLast4: input.client_secret!.slice(-4) }
        : { clientId: null, clientSecretSealed: null, clientSecretLast4: null });
    }
    if (input.config !== undefined) changes.config = input.config ?? {};
    const row = await this.repo.upsert(
      environmentId,
      organizationId,
      slug,
      {
        id,
        environmentId,
        organizationId,
        slug,
        enabled: (changes.enabled as boolean | undefined) ?? true,
        scopes: (changes.scopes as string[] | undefined) ?? [],
        scopesSet: (changes.scopesSet as boolean | undefined) ?? false,
        clientId: (changes.clientId as string | null | undefined) ?? null,
        clientSecretSealed: (changes.clientSecretSealed as string | null | undefined) ?? null,
        clientSecretLast4: (changes.clientSecretLast4 as string | null | undefined) ?? null,
        config: (changes.config as Record<string, string> | undefined) ?? {},
        createdAt: now,
        updatedAt: now,
      },
      changes,
    );
    return this.wire(integration, organizationId, row);
  }

  private secret(cfg: OrganizationIntegrationConfig): string | null {
    return cfg.clientSecretSealed ? this.box.openString(cfg.clientSecretSealed, orgConfigSecretContext(cfg.id)) : null;
  }

  private wire(i: DataIntegration, organizationId: string, cfg: OrganizationIntegrationConfig | null) {
    return {
      object: 'data_integration_configuration' as const,
      id: cfg?.id ?? i.id,
      organization_id: organizationId,
      slug: i.slug,
      name: this.integrations.provider(i).name,
      enabled: i.enabled && (cfg?.enabled ?? true),
      scopes: cfg?.scopesSet ? cfg.scopes : i.scopesSet ? i.scopes : null,
      config: ((cfg?.config ?? i.config ?? {}) as Record<string, string>),
      created_at: (cfg?.createdAt ?? i.createdAt).toISOString(),
      updated_at: (cfg?.updatedAt ?? i.updatedAt).toISOString(),
      ...(i.credentialsType === 'organization'
        ? {
            credentials: {
              credentials_type: 'organization',
              has_credentials: !!cfg?.clientId,
              client_id: cfg?.clientId ?? null,
              client_secret_last_four: cfg?.clientSecretLast4 ?? null,
              redirect_uri: this.integrations.redirectUri,
            },
          }
        : {}),
    };
  }
}
