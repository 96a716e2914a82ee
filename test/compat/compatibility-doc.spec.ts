import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * docs/compatibility.md's SDK coverage region is written by tools/compat/generate.mjs from the
 * SDKs themselves and the gateway's OpenAPI document; these tests keep the committed file true.
 */
/** Repository root, from test/dist/compat. */
const ROOT = resolve(__dirname, '..', '..', '..');
const GENERATOR = join(ROOT, 'tools', 'compat', 'generate.mjs');
const DOC = join(ROOT, 'docs', 'compatibility.md');
const BEGIN = '<!-- BEGIN GENERATED';
const END = '<!-- END GENERATED -->';

function generate(...args: string[]) {
  return spawnSync(process.execPath, [GENERATOR, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
}

function tempCopy(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'compat-doc-')), 'compatibility.md');
  writeFileSync(file, text);
  return file;
}

describe('docs/compatibility.md', () => {
  test('the committed SDK coverage region is what the generator writes now', () => {
    const run = generate('--check');
    assert.equal(run.status, 0, `${run.stderr}${run.stdout}`);
  });

  test('the check fails on a stale region, and regenerating rewrites only the region', () => {
    const committed = readFileSync(DOC, 'utf8');
    const start = committed.indexOf(BEGIN);
    assert.ok(start >= 0 && committed.indexOf(END) > start, 'the committed file has the generated region');
    const stale = committed.replace(/\| `createOrganization` \| `POST \/organizations` \| served \|/, '| `createOrganization` | `POST /organizations` | no route |');
    assert.notEqual(stale, committed, 'the region lists createOrganization as served');
    const handWritten = '\n## A section written by hand\n\nKept as it is.\n';
    const file = tempCopy(`${stale.slice(0, start)}${handWritten}\n${stale.slice(start)}`);

    const check = generate('--check', `--doc=${file}`);
    assert.equal(check.status, 1);
    assert.match(check.stderr, /is stale: run `node tools\/compat\/generate.mjs`/);

    assert.equal(generate(`--doc=${file}`).status, 0);
    const rewritten = readFileSync(file, 'utf8');
    assert.ok(rewritten.includes(handWritten), 'hand-written sections are kept');
    assert.equal(rewritten.slice(rewritten.indexOf(BEGIN)), committed.slice(start));
  });

  test('a file without the region gets it appended after its own text', () => {
    const file = tempCopy('# Compatibility\n\n## Aliases\n\nBy hand.\n');
    assert.equal(generate(`--doc=${file}`).status, 0);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('# Compatibility\n\n## Aliases\n\nBy hand.\n\n<!-- BEGIN GENERATED'), text.slice(0, 200));
    assert.ok(text.trimEnd().endsWith(END));
  });

  test('both SDKs are read: known methods, their requests and the gateway’s answer', () => {
    const doc = readFileSync(DOC, 'utf8');
    for (const row of [
      // Node SDK
      '| `createOrganization` | `POST /organizations` | served |',
      '| `getProfileAndToken` | `POST /sso/token` | served |',
      '| `getAuthorizationUrl` | URL `GET /user_management/authorize` | served |',
      '| `listUsers` | `GET /directory_users` | served |',
      '| `createEvent` | `POST /audit_logs/events` | served |',
      '| `constructEvent` | no request | — |',
      // A method whose client makes the requests (the runtime client's polls).
      '| `createRuntimeClient` | `GET /sdk/feature-flags` | served |',
      // Java SDK (Kotlin names)
      '| `authenticateWithPassword` | `POST /user_management/authenticate` | served |',
      '| `getJwks` | `GET /sso/jwks/{clientId}` | served |',
      '| `createUserAuthFactor` | `POST /user_management/users/{userlandUserId}/auth_factors` | served |',
      '| `getAuditLogConfiguration` | `GET /organizations/{id}/audit_log_configuration` | served |',
    ]) {
      assert.ok(doc.includes(row), `missing row: ${row}`);
    }
    assert.match(doc, /\| Node `@workos-inc\/node` [\d.]+ \| \d+ \| \d+ \| \d+% \|/);
    assert.match(doc, /\| Java `com\.workos:workos` [\d.]+ \| \d+ \| \d+ \| \d+% \|/);
  });
});
