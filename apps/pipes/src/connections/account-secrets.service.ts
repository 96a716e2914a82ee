import { Inject, Injectable } from '@nestjs/common';
import { DomainError, OrganizationsClient, internalAuthKeyFor, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import type { ConnectedAccount } from '../generated/prisma/client';
import { VaultClient, VaultObjectGoneError } from '../infra/vault.client';
import { vaultKeyContext, type Owner } from '../pipes-core/owner';
import { VaultDeletionsRepository } from './vault-deletions.repository';

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
    private readonly deletions: VaultDeletionsRepository,
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

  /**
   * Deletes objects whose deletion is owed (the transaction that deleted their accounts queued
   * them, oweVaultDeletions): each one Vault confirms gone is settled; one it refuses stays owed,
   * and VaultDeletionsService tries it again with a backoff. Never throws.
   */
  async deleteOwed(environmentId: string, objectIds: (string | null)[]): Promise<void> {
    for (const id of objectIds) if (id) await this.deleteOwedOne(environmentId, id);
  }

  /** True when the object is gone (settled); false when it stays owed. Never throws. */
  async deleteOwedOne(environmentId: string, objectId: string): Promise<boolean> {
    try {
      await this.vault.delete(environmentId, objectId);
      await this.deletions.settle(environmentId, objectId);
      return true;
    } catch (err) {
      this.log.warn({ environment_id: environmentId, vault_object_id: objectId, err: (err as Error).message }, 'could not delete a connected account secret from Vault; it stays owed');
      await this.deletions.postpone(environmentId, objectId, (err as Error).message).catch(() => undefined);
      return false;
    }
  }

  /** A new object whose row did not commit, so nobody can reach it: owed like the others, then deleted. */
  async discard(environmentId: string, objectId: string | null): Promise<void> {
    if (!objectId) return;
    await this.deletions.owe(environmentId, [objectId]).catch((err: Error) => this.log.error({ environment_id: environmentId, vault_object_id: objectId, err: err.message }, 'could not record an owed Vault deletion'));
    await this.deleteOwedOne(environmentId, objectId);
  }
}
