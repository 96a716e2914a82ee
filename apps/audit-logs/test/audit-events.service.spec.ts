import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '@wos/contracts';
import { newId } from '@wos/platform';
import type { AppConfig } from '../src/config';
import { AuditEventsService } from '../src/audit-events/audit-events.service';
import type { AuditEventsRepository } from '../src/audit-events/audit-events.repository';
import type { AuditSchemasService } from '../src/audit-schemas/audit-schemas.service';
import type { PartitionsService } from '../src/partitions/partitions.service';

const ENV = 'environment_01JSERVICE000000000000000000';

/** The service over a repository that records what it was asked to store. */
function service() {
  const claims: (string | undefined)[] = [];
  const repo = { insert: async (_env: string, _row: unknown, _digest: Buffer, _messages: unknown[], claim?: { key: string }) => (claims.push(claim?.key), 'created') };
  const schemas = { forEvent: async () => ({ kind: 'none' }) };
  const partitions = { ensureFor: async () => undefined, forget: () => undefined };
  const config = { AUDIT_LOGS_RETENTION_DAYS_ALLOWED: [30, 365], AUDIT_LOGS_OCSF_TOPIC: true } as unknown as AppConfig;
  const svc = new AuditEventsService(config, repo as unknown as AuditEventsRepository, schemas as unknown as AuditSchemasService, partitions as unknown as PartitionsService);
  return { svc, claims };
}

const body = () => ({
  organization_id: newId('org'),
  event: { action: 'document.updated', occurred_at: new Date().toISOString(), actor: { id: 'user_1', type: 'user' }, targets: [{ id: 'doc_1', type: 'document' }], context: { location: '203.0.113.7' } },
});

test('the service bounds the Idempotency-Key itself (not only the gateway): a longer key is a 400 and nothing is stored', async () => {
  const { svc, claims } = service();
  await assert.rejects(svc.create(ENV, body(), 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1)), (err: { status?: number; code?: string }) => err.status === 400 && err.code === 'invalid_idempotency_key');
  assert.deepEqual(claims, []);
  assert.equal(await svc.create(ENV, body(), 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH)), 'created');
  assert.deepEqual(claims, ['k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH)]);
});
