import { Inject, Injectable } from '@nestjs/common';
import { vaultDataReadSchema, type EventEnvelope } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { AuditEventsService } from '../audit-events/audit-events.service';

const ORGANIZATION_ID = /^org_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Every read of a Vault value whose key context names an organization becomes an event in that
 * organization's audit log (action `vault.data.read`), through the same ingest as the public
 * API: its schema check, chain and SIEM topics. Idempotent: the vault event's ID is the
 * Idempotency-Key, claimed in the ingest's transaction, so a redelivery within the key's
 * 24 hours stores nothing more.
 */
@Injectable()
export class VaultReadsService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly events: AuditEventsService) {}

  /** False when there is nothing to record (turned off, or no organization in the key context). */
  async record(envelope: EventEnvelope): Promise<boolean> {
    if (!this.config.AUDIT_LOGS_RECORD_VAULT_READS) return false;
    const read = vaultDataReadSchema.parse(envelope.data);
    const organizationId = read.key_context?.organization_id;
    if (!organizationId || !ORGANIZATION_ID.test(organizationId)) return false;
    const body = {
      organization_id: organizationId,
      event: {
        action: 'vault.data.read',
        occurred_at: envelope.created_at,
        actor: { type: read.actor_source === 'dashboard' ? 'dashboard_user' : 'api_key', id: read.actor_id, name: read.actor_name },
        targets: [{ type: 'vault_object', id: read.kv_name }],
        context: { location: read.ip_address || 'unknown', ...(read.user_agent ? { user_agent: read.user_agent } : {}) },
        metadata: { key_id: read.key_id },
      },
    };
    await this.events.create(envelope.environment_id, body, `vault:${envelope.id}`);
    return true;
  }
}
