import { Inject, Injectable } from '@nestjs/common';
import { DomainError, OrganizationsClient, internalAuthKeyFor, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { ConnectedAccount } from '../generated/prisma/client';
import { VaultClient, VaultObjectGoneError } from '../infra/vault.client';
import { vaultKeyContext, type Owner } from '../pipes-core/owner';

/** What Vault holds for one connected account (JSON, never in Postgres, logs or events). */
export type AccountSecrets =
  | { kind: 'oauth'; access_token: string | null; refresh_token: string | null; expires_at: string | null; scopes: string[] }
  | { kind: 'api_key'; secret: string }
  | { kind: 'client_credentials'; client_secret: string; access_token: string | null; expires_at: string | null; scopes: string[] };

/**
 * Connected accounts' secrets in Vault, one KV object per account named `pipes/<account id>`
 * under the owner's key context (pipes-core/owner.ts), plus the organization check every write
 * makes. The object is written before the row that points at it; a row is never committed
 * pointing at an object that was not written.
 */
@Injectable()
export class AccountSecretsService {
  private readonly organizations: OrganizationsClient;
  private readonly log: Logger;

  constructor(
    private readonly vault: VaultClient,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.organizations = new OrganizationsClient(config.ORGANIZATIONS_URL, internalAuthKeyFor(config, 'organizations'));
    this.log = logger.child({ context: AccountSecretsService.name });
  }

  /** Organization IDs come from our customer's backend; a write under one that does not exist in this environment is a 404. */
  async assertOrganization(environmentId: string, organizationId: string | null | undefined): Promise<void> {
    if (!organizationId) return;
    if (!(await this.organizations.find(environmentId, organizationId))) {
      throw new DomainError(404, 'entity_not_found', `Could not find an organization with the id, ${organizationId}.`, { entity_id: organizationId });
    }
  }

  /** Writes the secrets; returns the object's ID (the existing one, or a new object when there was none or it is gone). */
  async write(environmentId: string, accountId: string, existing: ConnectedAccount | null, owner: Owner, secrets: AccountSecrets): Promise<{ objectId: string; created: boolean }> {
    const value = JSON.stringify(secrets);
    if (existing?.vaultObjectId) {
      try {
        await this.vault.update(environmentId, existing.vaultObjectId, value);
        return { objectId: existing.vaultObjectId, created: false };
      } catch (err) {
        if (!(err instanceof VaultObjectGoneError)) throw err;
      }
    }
    // A fresh name per write: an object left behind by a write whose row never committed cannot collide.
    const name = `pipes/${accountId}/${Date.now().toString(36)}`;
    return { objectId: await this.vault.create(environmentId, name, value, vaultKeyContext(owner)), created: true };
  }

  /** Throws VaultObjectGoneError when the object was deleted or its KEK shredded. */
  async read(environmentId: string, objectId: string): Promise<AccountSecrets> {
    return JSON.parse(await this.vault.read(environmentId, objectId)) as AccountSecrets;
  }

  async update(environmentId: string, objectId: string, secrets: AccountSecrets): Promise<void> {
    await this.vault.update(environmentId, objectId, JSON.stringify(secrets));
  }

  /** Best effort: an object whose row is gone can no longer be reached through pipes; a failure is logged. */
  async remove(environmentId: string, objectId: string | null): Promise<void> {
    if (!objectId) return;
    await this.vault.delete(environmentId, objectId).catch((err: Error) => this.log.warn({ environment_id: environmentId, vault_object_id: objectId, err: err.message }, 'could not delete a connected account secret from Vault'));
  }
}
