import { Inject, Injectable } from '@nestjs/common';
import { BadRequestError, ConflictError, DomainError, isUniqueViolation, newId, paginate, SecretBox, toListEnvelope, ValidationError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import type { DataIntegration } from '../generated/prisma/client';
import { ProviderClient } from '../infra/provider.client';
import { customProviderDefinition, PROVIDERS, type CustomProviderWire, type ProviderDefinition } from '../pipes-core/providers';
import {
  toDataIntegrationWire,
  type CreateIntegrationInput,
  type CustomProviderInput,
  type DataIntegrationWire,
  type ListIntegrationsQuery,
  type UpdateIntegrationInput,
} from './integrations.dto';
import { IntegrationsRepository, type IntegrationChanges } from './integrations.repository';
import { dataIntegrationSecretContext } from '../infra/sealed-columns';

export type Ownership = 'user' | 'organization';

/** The callback path on the gateway host (a public route: the provider redirects the browser there). */
export const CALLBACK_PATH = '/pipes/oauth/callback';

/**
 * Data integrations: one provider configured per environment and ownership. Invariants: a client
 * secret is stored only sealed (SecretBox, context `data_integration:<id>`) and shown only as
 * its last four characters; a custom provider's URLs pass the outbound address policy when saved
 * (and again on every connection, in ProviderClient).
 */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly repo: IntegrationsRepository,
    private readonly box: SecretBox,
    private readonly providers: ProviderClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get redirectUri(): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${CALLBACK_PATH}`;
  }

  wire(i: DataIntegration): DataIntegrationWire {
    return toDataIntegrationWire(i, this.redirectUri);
  }

  provider(i: DataIntegration): ProviderDefinition {
    if (i.customProvider) return customProviderDefinition(i.customProvider as unknown as CustomProviderWire);
    const p = PROVIDERS[i.provider];
    if (!p) throw new DomainError(500, 'unknown_provider', `The provider ${i.provider} is not in the catalogue.`);
    return p;
  }

  clientSecret(i: DataIntegration): string | null {
    return i.clientSecretSealed ? this.box.openString(i.clientSecretSealed, dataIntegrationSecretContext(i.id)) : null;
  }

  async get(environmentId: string, slug: string, ownership: Ownership): Promise<DataIntegration> {
    const found = await this.find(environmentId, slug, ownership);
    if (!found) throw new DomainError(404, 'entity_not_found', `Could not find a data integration with the slug, ${slug}.`, { entity_id: slug });
    return found;
  }

  find(environmentId: string, slug: string, ownership: Ownership): Promise<DataIntegration | null> {
    return this.repo.findBySlug(environmentId, slug, ownership);
  }

  findById(environmentId: string, id: string): Promise<DataIntegration | null> {
    return this.repo.findById(environmentId, id);
  }

  listForOwner(environmentId: string, ownership: Ownership): Promise<DataIntegration[]> {
    return this.repo.listByOwnership(environmentId, ownership);
  }

  async list(environmentId: string, query: ListIntegrationsQuery) {
    const page = await paginate(query, (req) => this.repo.page(environmentId, query.ownership, req));
    return toListEnvelope(page, (i) => this.wire(i));
  }

  /** The row a create inserts (not yet written): validated, the secret sealed, URLs checked. */
  async buildNew(environmentId: string, input: CreateIntegrationInput) {
    const id = newId('data_integration');
    const builtIn = PROVIDERS[input.provider];
    if (input.custom_provider && builtIn) throw new BadRequestError('provider_slug_reserved', `A custom provider cannot use the built-in slug ${input.provider}.`);
    if (!input.custom_provider && !builtIn) {
      throw new ValidationError([{ field: 'provider', code: 'provider_unknown', message: `Unknown provider ${input.provider}; supply custom_provider to define one.` }]);
    }
    const authMethods = [...new Set(input.auth_methods ?? ['oauth'])];
    const customProvider = input.custom_provider ? await this.customProvider(input.custom_provider, null, authMethods) : null;
    if (authMethods.includes('oauth') && input.credentials?.type !== 'custom' && input.credentials?.type !== 'organization') {
      throw new ValidationError([{ field: 'credentials', code: 'credentials_required', message: 'OAuth integrations need credentials.' }]);
    }
    if (input.api_key && !authMethods.includes('api_key')) throw new ValidationError([{ field: 'api_key', code: 'api_key_not_allowed', message: 'api_key needs auth_methods ["api_key"].' }]);
    const now = new Date();
    return this.repo.insertInput({
      id,
      environmentId,
      slug: input.provider,
      provider: customProvider ? 'custom' : input.provider,
      ownership: input.ownership ?? 'user',
      description: input.description ?? null,
      enabled: input.enabled ?? false,
      scopes: input.scopes ?? [],
      scopesSet: !!input.scopes,
      authMethods,
      ...this.credentials(id, input.credentials),
      customProvider: customProvider as Record<string, unknown> | null,
      config: input.config ?? {},
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Applies an update (all but `api_key`, which installs an account; see ConnectionsService). */
  async update(environmentId: string, slug: string, ownership: Ownership, input: UpdateIntegrationInput): Promise<DataIntegration> {
    const current = await this.get(environmentId, slug, ownership);
    const changes: IntegrationChanges = {};
    if (input.description !== undefined) changes.description = input.description;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.scopes !== undefined) Object.assign(changes, { scopes: input.scopes ?? [], scopesSet: input.scopes !== null });
    if (input.credentials) Object.assign(changes, this.credentials(current.id, input.credentials));
    if (input.custom_provider) {
      if (!current.customProvider) throw new BadRequestError('not_a_custom_provider', 'custom_provider can only change a custom-provider integration.');
      changes.customProvider = (await this.customProvider(input.custom_provider, current.customProvider as unknown as CustomProviderWire, current.authMethods)) as unknown as Record<string, unknown>;
    }
    if (input.api_key && !current.authMethods.includes('api_key')) throw new ValidationError([{ field: 'api_key', code: 'api_key_not_allowed', message: 'This integration does not take API keys.' }]);
    return Object.keys(changes).length ? this.repo.update(environmentId, current.id, changes) : current;
  }

  conflict(err: unknown, slug: string): never {
    if (isUniqueViolation(err)) throw new ConflictError('data_integration_exists', `A data integration for ${slug} with this ownership already exists.`);
    throw err;
  }

  private credentials(id: string, c: CreateIntegrationInput['credentials']) {
    if (!c) return { credentialsType: null, clientId: null, clientSecretSealed: null, clientSecretLast4: null };
    if (c.type === 'organization') return { credentialsType: 'organization', clientId: null, clientSecretSealed: null, clientSecretLast4: null };
    return {
      credentialsType: 'custom',
      clientId: c.client_id!,
      clientSecretSealed: this.box.seal(c.client_secret!, dataIntegrationSecretContext(id)),
      clientSecretLast4: c.client_secret!.slice(-4),
    };
  }

  /** A complete custom-provider definition (defaults filled in, `current` for updates), its URLs checked. */
  private async customProvider(input: CustomProviderInput, current: CustomProviderWire | null, authMethods: string[]): Promise<CustomProviderWire> {
    const merged: CustomProviderWire = {
      name: input.name ?? current?.name ?? '',
      authorization_url: input.authorization_url ?? current?.authorization_url ?? null,
      token_url: input.token_url ?? current?.token_url ?? null,
      refresh_token_url: input.refresh_token_url !== undefined ? input.refresh_token_url : (current?.refresh_token_url ?? null),
      pkce_enabled: input.pkce_enabled ?? current?.pkce_enabled ?? true,
      request_scope_separator: input.request_scope_separator ?? current?.request_scope_separator ?? ' ',
      scopes_required: input.scopes_required ?? current?.scopes_required ?? false,
      client_secret_required: input.client_secret_required ?? current?.client_secret_required ?? true,
      additional_authorization_parameters: input.additional_authorization_parameters ?? current?.additional_authorization_parameters ?? {},
      token_body_content_type: input.token_body_content_type ?? current?.token_body_content_type ?? 'application/x-www-form-urlencoded',
      authenticate_via: input.authenticate_via ?? current?.authenticate_via ?? 'request_body',
    };
    if (authMethods.includes('oauth') && (!merged.authorization_url || !merged.token_url)) {
      throw new ValidationError([{ field: 'custom_provider', code: 'urls_required', message: 'OAuth custom providers need authorization_url and token_url.' }]);
    }
    if (authMethods.includes('client_credentials') && !merged.token_url) {
      throw new ValidationError([{ field: 'custom_provider.token_url', code: 'token_url_required', message: 'client_credentials providers need token_url.' }]);
    }
    // The authorization URL is only ever a browser redirect: check its form. The others are fetched by pipes.
    if (merged.authorization_url) this.providers.parse(merged.authorization_url, 'custom_provider.authorization_url');
    if (merged.token_url) await this.providers.checkUrl(merged.token_url, 'custom_provider.token_url');
    if (merged.refresh_token_url) await this.providers.checkUrl(merged.refresh_token_url, 'custom_provider.refresh_token_url');
    return merged;
  }
}
