import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { auditLogOcsfSchema, auditLogSiemMessageSchema } from '@wos/contracts';

/*
 * Each SIEM topic's documented JSON Schema is the contract's zod schema, rendered. Run with
 * UPDATE_SIEM_SCHEMA=1 to rewrite the files after a (necessarily additive) change to a contract.
 */
const DIR = join(__dirname, '..', '..', '..', '..', 'docs', 'schemas');

const topics: [string, z.ZodType, string, string][] = [
  [
    'audit-logs.events.v1',
    auditLogSiemMessageSchema,
    'audit-logs.events.v1 message value',
    'One accepted audit-log event, as published on the Kafka topic audit-logs.events.v1 (message key: the organization ID). See README.md, "Audit Logs for SIEMs".',
  ],
  [
    'audit-logs.ocsf.v1',
    auditLogOcsfSchema,
    'audit-logs.ocsf.v1 message value',
    'One accepted audit-log event rendered as OCSF 1.3.0 (Authentication 3002, Account Change 3001 or API Activity 6003), as published on the Kafka topic audit-logs.ocsf.v1 (message key: the organization ID). See docs/ARCHITECTURE.md, "Audit Logs: the OCSF topic".',
  ],
];

for (const [topic, schema, title, description] of topics) {
  test(`docs/schemas/${topic}.schema.json is the contract of the ${topic} topic`, () => {
    const file = join(DIR, `${topic}.schema.json`);
    const rendered = JSON.stringify({ title, description, ...z.toJSONSchema(schema, { io: 'output' }) }, null, 2) + '\n';
    if (process.env.UPDATE_SIEM_SCHEMA === '1' || !existsSync(file)) {
      assert.ok(process.env.UPDATE_SIEM_SCHEMA === '1', `missing ${file}; run with UPDATE_SIEM_SCHEMA=1`);
      writeFileSync(file, rendered);
      return;
    }
    assert.equal(readFileSync(file, 'utf8'), rendered);
  });
}
