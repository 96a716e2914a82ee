import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { auditLogSiemMessageSchema } from '@wos/contracts';

/*
 * The SIEM topic's documented JSON Schema is the contract's zod schema, rendered. Run with
 * UPDATE_SIEM_SCHEMA=1 to rewrite the file after a (necessarily additive) change to the contract.
 */
const FILE = join(__dirname, '..', '..', '..', '..', 'docs', 'schemas', 'audit-logs.events.v1.schema.json');

function rendered(): string {
  const schema = {
    title: 'audit-logs.events.v1 message value',
    description: 'One accepted audit-log event, as published on the Kafka topic audit-logs.events.v1 (message key: the organization ID). See README.md, "Audit Logs for SIEMs".',
    ...z.toJSONSchema(auditLogSiemMessageSchema, { io: 'output' }),
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

test('docs/schemas/audit-logs.events.v1.schema.json is the contract of the SIEM topic', () => {
  if (process.env.UPDATE_SIEM_SCHEMA === '1' || !existsSync(FILE)) {
    assert.ok(process.env.UPDATE_SIEM_SCHEMA === '1', `missing ${FILE}; run with UPDATE_SIEM_SCHEMA=1`);
    writeFileSync(FILE, rendered());
    return;
  }
  assert.equal(readFileSync(FILE, 'utf8'), rendered());
});
