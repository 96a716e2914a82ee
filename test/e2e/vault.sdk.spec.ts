import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import {
  ConflictException,
  BadRequestException,
  NotFoundException,
  UnprocessableEntityException,
  type EventName,
  type WorkOS,
} from '@workos-inc/node';
import { uniqueSuffix, waitFor } from '@wos/platform/testing';
import { startE2e, expectSdkError, listAllEvents, waitForEvents, type E2e } from '../support/e2e-stack';

const VAULT_EVENTS: EventName[] = [
  'vault.data.created',
  'vault.data.updated',
  'vault.data.read',
  'vault.data.deleted',
  'vault.metadata.read',
  'vault.names.listed',
  'vault.kek.created',
  'vault.dek.read',
  'vault.dek.decrypted',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/* The SDK's vault.encrypt output: iv (12) ‖ tag (16) ‖ LEB128 length ‖ key blob ‖ ciphertext. */
function flipByte(b64: string, at: (bytes: Buffer) => number): string {
  const bytes = Buffer.from(b64, 'base64');
  const i = at(bytes);
  bytes[i] = bytes[i]! ^ 0x01;
  return bytes.toString('base64');
}

describe('Vault through the WorkOS SDK', () => {
  let e: E2e;
  let other: WorkOS;
  const tag = uniqueSuffix();
  const org = `org_vault_${tag}`;
  const context = { organization_id: org };

  before(async () => {
    // Shredded rows stay 5 s before the purge, so the test can look at them (a dump) first.
    e = await startE2e({ name: 'vault_sdk', portOffset: 21500, apps: ['organizations', 'events', 'vault', 'audit-logs'], appEnv: { vault: { VAULT_PURGE_DELAY_MS: '5000', VAULT_PURGE_INTERVAL_MS: '500' } } });
    other = e.client((await e.createEnvironment(`vault-other-${tag}`)).api_key);
  });
  after(async () => {
    await e?.stop();
  });

  test('createObject, readObject, readObjectByName, describeObject, listObjectVersions, updateObject, deleteObject', async () => {
    const vault = e.workos.vault;
    const created = await vault.createObject({ name: `db-password-${tag}`, value: 's3cr3t-v4lu3', context });
    assert.match(created.id, UUID);
    assert.deepEqual(created.context, context);
    assert.equal(created.environmentId, e.creds.environment_id);
    assert.match(created.keyId, UUID);
    assert.match(created.versionId!, UUID);
    assert.ok(created.updatedAt instanceof Date && !Number.isNaN(created.updatedAt.getTime()));
    assert.deepEqual(Object.keys(created.updatedBy).sort(), ['id', 'name']);

    const read = await vault.readObject({ id: created.id });
    assert.equal(read.value, 's3cr3t-v4lu3');
    assert.equal(read.name, `db-password-${tag}`);
    assert.equal(read.metadata.versionId, created.versionId);
    assert.equal(read.metadata.keyId, created.keyId);
    const byName = await vault.readObjectByName(`db-password-${tag}`);
    assert.equal(byName.id, created.id);
    assert.equal(byName.value, 's3cr3t-v4lu3');
    const described = await vault.describeObject({ id: created.id });
    assert.equal(described.value, undefined);
    assert.equal(described.metadata.versionId, created.versionId);

    const updated = await vault.updateObject({ id: created.id, value: 'upd4t3d', versionCheck: created.versionId! });
    assert.equal(updated.value, undefined);
    assert.notEqual(updated.metadata.versionId, created.versionId);
    assert.equal((await vault.readObject({ id: created.id })).value, 'upd4t3d');
    // A stale version check is a 409, for updates and deletes alike, and changes nothing.
    await expectSdkError(vault.updateObject({ id: created.id, value: 'lost', versionCheck: created.versionId! }), ConflictException, 409);
    await expectSdkError(vault.deleteObject({ id: created.id, versionCheck: created.versionId! }), ConflictException, 409);
    assert.equal((await vault.readObject({ id: created.id })).value, 'upd4t3d');
    // Without a version check the write is unconditional.
    const third = await vault.updateObject({ id: created.id, value: 'third' });

    const versions = await vault.listObjectVersions({ id: created.id });
    assert.equal(versions.length, 3);
    assert.deepEqual(
      versions.map((v) => v.id),
      [third.metadata.versionId, updated.metadata.versionId, created.versionId],
    );
    assert.deepEqual(
      versions.map((v) => v.currentVersion),
      [true, false, false],
    );
    assert.deepEqual(
      versions.map((v) => v.size),
      [5, 7, 12],
    );
    for (const v of versions) {
      assert.ok(v.createdAt instanceof Date);
      assert.ok((v.etag ?? '').length > 0);
    }

    await vault.deleteObject({ id: created.id, versionCheck: third.metadata.versionId! });
    await expectSdkError(vault.readObject({ id: created.id }), NotFoundException, 404);
    await expectSdkError(vault.readObjectByName(`db-password-${tag}`), NotFoundException, 404);
    await expectSdkError(vault.describeObject({ id: created.id }), NotFoundException, 404);
    await expectSdkError(vault.listObjectVersions({ id: created.id }), NotFoundException, 404);
    await expectSdkError(vault.deleteObject({ id: created.id }), NotFoundException, 404);
    await expectSdkError(vault.readObject({ id: 'not-a-uuid' }), NotFoundException, 404);
  });

  test('bad input: a WorkOS-shaped 422, a duplicate name 409', async () => {
    const vault = e.workos.vault;
    await expectSdkError(vault.createObject({ name: `no-context-${tag}`, value: 'x', context: {} }), UnprocessableEntityException, 422);
    const res = await e.http('POST', '/vault/v1/kv', { key: true, body: { name: `n-${tag}`, value: 1, key_context: context } });
    assert.equal(res.status, 422);
    assert.equal((res.json as { code: string }).code, 'invalid_request_parameters');
    const tooLarge = await expectSdkError(vault.createObject({ name: `big-${tag}`, value: 'x'.repeat(512 * 1024 + 1), context }), UnprocessableEntityException, 422);
    assert.match(tooLarge.message, /value_too_large/);
    await expectSdkError(vault.readObjectByName(`big-${tag}`), NotFoundException, 404);
    await vault.createObject({ name: `dup-${tag}`, value: 'a', context });
    await expectSdkError(vault.createObject({ name: `dup-${tag}`, value: 'b', context }), ConflictException, 409);
  });

  test('a createObject retried with its Idempotency-Key replays the first answer instead of a 409', async () => {
    const body = { name: `idem-${tag}`, value: 'once', key_context: context };
    const headers = { 'idempotency-key': `vault-${tag}` };
    const first = await e.http('POST', '/vault/v1/kv', { key: true, body, headers });
    assert.equal(first.status, 201, first.text);
    const again = await e.http('POST', '/vault/v1/kv', { key: true, body, headers });
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json, first.json);
    // Data keys are never replayed: each call mints a new key.
    const dk = (h: Record<string, string>) => e.http('POST', '/vault/v1/keys/data-key', { key: true, body: { context }, headers: h });
    const [a, b] = [await dk({ 'idempotency-key': `dk-${tag}` }), await dk({ 'idempotency-key': `dk-${tag}` })];
    assert.notEqual((a.json as { data_key: string }).data_key, (b.json as { data_key: string }).data_key);
  });

  test('listObjects pages with cursors and filters by search', async () => {
    const vault = e.workos.vault;
    const names = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((n) => `list-${tag}-${n}`);
    const ids: string[] = [];
    for (const name of names) ids.push((await vault.createObject({ name, value: name, context })).id);
    const seen: string[] = [];
    let page = await vault.listObjects({ search: `list-${tag}`, limit: 2 });
    for (;;) {
      assert.ok(page.data.length <= 2);
      for (const o of page.data) {
        assert.ok(o.updatedAt instanceof Date);
        seen.push(o.id);
      }
      if (!page.listMetadata.after) break;
      page = await vault.listObjects({ search: `list-${tag}`, limit: 2, after: page.listMetadata.after });
    }
    // Default order is newest first; every object appears exactly once.
    assert.deepEqual(seen, [...ids].reverse());
    const one = await vault.listObjects({ search: `list-${tag}-gam` });
    assert.deepEqual(
      one.data.map((o) => o.name),
      [`list-${tag}-gamma`],
    );
    const later = await vault.listObjects({ search: `list-${tag}`, updatedAfter: new Date(Date.now() + 60_000) });
    assert.equal(later.data.length, 0);
  });

  test('createDataKey, decryptDataKey and createRekey', async () => {
    const vault = e.workos.vault;
    const pair = await vault.createDataKey({ context });
    assert.equal(Buffer.from(pair.dataKey.key, 'base64').length, 32);
    assert.match(pair.dataKey.id, UUID);
    assert.deepEqual(pair.context, context);
    const opened = await vault.decryptDataKey({ keys: pair.encryptedKeys });
    assert.deepEqual(opened, pair.dataKey);

    const otherContext = { organization_id: `${org}_b` };
    const rekeyed = await vault.createRekey({ context: otherContext, encryptedKeys: pair.encryptedKeys });
    assert.equal(rekeyed.dataKey, pair.dataKey.key);
    assert.equal(rekeyed.id, pair.dataKey.id);
    assert.deepEqual(rekeyed.context, otherContext);
    assert.notEqual(rekeyed.encryptedKeys, pair.encryptedKeys);
    assert.deepEqual(await vault.decryptDataKey({ keys: rekeyed.encryptedKeys! }), pair.dataKey);

    // A blob whose header or wrapped key was changed does not open.
    const tampered = flipByte(pair.encryptedKeys, (b) => b.length - 20);
    await expectSdkError(vault.decryptDataKey({ keys: tampered }), BadRequestException, 400);
    await expectSdkError(vault.decryptDataKey({ keys: flipByte(pair.encryptedKeys, () => 22) }), BadRequestException, 400);
    await expectSdkError(vault.decryptDataKey({ keys: 'bm90IGEga2V5' }), BadRequestException, 400);
  });

  test('concurrent first uses of a context create exactly one KEK', async () => {
    const fresh = { organization_id: `${org}_fresh`, purpose: 'race' };
    const pairs = await Promise.all(Array.from({ length: 10 }, () => e.workos.vault.createDataKey({ context: fresh })));
    const kekIds = new Set(pairs.map((p) => Buffer.from(p.encryptedKeys, 'base64').subarray(4, 20).toString('hex')));
    assert.equal(kekIds.size, 1);
    for (const p of pairs) assert.deepEqual(await e.workos.vault.decryptDataKey({ keys: p.encryptedKeys }), p.dataKey);
    // Entry order does not matter: the same context selects the same KEK.
    const reordered = await e.workos.vault.createDataKey({ context: { purpose: 'race', organization_id: `${org}_fresh` } });
    assert.ok(kekIds.has(Buffer.from(reordered.encryptedKeys, 'base64').subarray(4, 20).toString('hex')));
    const created = await waitForEvents(e.workos, ['vault.kek.created'], (all) => all.some((ev) => (ev.data as { keyName?: string }).keyName?.includes(`${org}_fresh`)));
    assert.equal(created.filter((ev) => (ev.data as { keyName?: string }).keyName?.includes(`${org}_fresh`)).length, 1);
  });

  test('vault.encrypt → vault.decrypt with a context and associated data; tampering is refused', async () => {
    const vault = e.workos.vault;
    const secret = `card 4242 4242 4242 4242 ${tag} ✓`;
    const sealed = await vault.encrypt(secret, context, 'customer-42');
    assert.equal(await vault.decrypt(sealed, 'customer-42'), secret);
    const again = await vault.encrypt(secret, context);
    assert.notEqual(again, sealed);
    assert.equal(await vault.decrypt(again), secret);

    // Wrong associated data, a flipped ciphertext byte, a flipped tag: local AES-GCM refuses.
    await assert.rejects(vault.decrypt(sealed, 'customer-43'));
    await assert.rejects(vault.decrypt(flipByte(sealed, (b) => b.length - 1)));
    await assert.rejects(vault.decrypt(flipByte(sealed, () => 12)));
    // A flipped byte in the embedded key blob: the server refuses to open it.
    await expectSdkError(
      vault.decrypt(flipByte(sealed, () => 12 + 16 + 1 + 50)),
      BadRequestException,
      400,
    );
  });

  test('environment isolation: another environment sees, reads and decrypts nothing', async () => {
    const vault = e.workos.vault;
    const mine = await vault.createObject({ name: `iso-${tag}`, value: 'mine', context });
    await expectSdkError(other.vault.readObject({ id: mine.id }), NotFoundException, 404);
    await expectSdkError(other.vault.readObjectByName(`iso-${tag}`), NotFoundException, 404);
    await expectSdkError(other.vault.describeObject({ id: mine.id }), NotFoundException, 404);
    await expectSdkError(other.vault.listObjectVersions({ id: mine.id }), NotFoundException, 404);
    await expectSdkError(other.vault.updateObject({ id: mine.id, value: 'theirs' }), NotFoundException, 404);
    await expectSdkError(other.vault.deleteObject({ id: mine.id }), NotFoundException, 404);
    assert.equal((await other.vault.listObjects({ search: `iso-${tag}` })).data.length, 0);
    const pair = await vault.createDataKey({ context });
    await expectSdkError(other.vault.decryptDataKey({ keys: pair.encryptedKeys }), BadRequestException, 400);
    await expectSdkError(other.vault.createRekey({ context, encryptedKeys: pair.encryptedKeys }), BadRequestException, 400);
    const sealed = await vault.encrypt('for my environment only', context);
    await expectSdkError(other.vault.decrypt(sealed), BadRequestException, 400);
    // The same name and context in the other environment is a different object under a different KEK.
    const theirs = await other.vault.createObject({ name: `iso-${tag}`, value: 'theirs', context });
    assert.notEqual(theirs.keyId, mine.keyId);
    assert.equal((await vault.readObject({ id: mine.id })).value, 'mine');
    assert.equal((await other.vault.readObject({ id: theirs.id })).value, 'theirs');
  });

  test('20 concurrent writers with the same versionCheck: exactly one wins per version', async () => {
    const vault = e.workos.vault;
    let current = await vault.createObject({ name: `race-${tag}`, value: 'v0', context });
    let version = current.versionId!;
    for (let round = 1; round <= 3; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => vault.updateObject({ id: current.id, value: `r${round}-w${i}`, versionCheck: version })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, `round ${round}: ${won.length} winners`);
      for (const r of lost) assert.ok(r.reason instanceof ConflictException, String(r.reason));
      const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof vault.updateObject>>>).value;
      const now = await vault.readObject({ id: current.id });
      assert.equal(now.metadata.versionId, winner.metadata.versionId);
      assert.match(now.value!, new RegExp(`^r${round}-w\\d+$`));
      version = winner.metadata.versionId!;
    }
    assert.equal((await vault.listObjectVersions({ id: current.id })).length, 4);
    current = await vault.describeObject({ id: current.id }).then((d) => d.metadata);
    assert.equal(current.versionId, version);
  });

  test('KEK rotation: old data keeps decrypting, new data and rekeys use the new version', async () => {
    const vault = e.workos.vault;
    const rotContext = { organization_id: `${org}_rot` };
    const kekVersion = (blob: string) => Buffer.from(blob, 'base64').readUInt32BE(20);
    const oldObject = await vault.createObject({ name: `rot-${tag}`, value: 'before rotation', context: rotContext });
    const oldPair = await vault.createDataKey({ context: rotContext });
    const oldSealed = await vault.encrypt('sealed before rotation', rotContext);
    assert.equal(kekVersion(oldPair.encryptedKeys), 1);

    const rotate = (ctx: Record<string, string>) => e.http('POST', '/vault/v1/keys/rotate', { key: true, body: { context: ctx } });
    const res = await rotate(rotContext);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { key_id: oldObject.keyId, version: 2, context: rotContext });
    assert.equal((await rotate({ organization_id: `${org}_never_used` })).status, 404);

    // Everything wrapped by version 1 still opens.
    assert.equal((await vault.readObject({ id: oldObject.id })).value, 'before rotation');
    assert.deepEqual(await vault.decryptDataKey({ keys: oldPair.encryptedKeys }), oldPair.dataKey);
    assert.equal(await vault.decrypt(oldSealed), 'sealed before rotation');
    // New keys are wrapped by version 2; a rekey moves an old data key there, keeping the key.
    const newPair = await vault.createDataKey({ context: rotContext });
    assert.equal(kekVersion(newPair.encryptedKeys), 2);
    const moved = await vault.createRekey({ context: rotContext, encryptedKeys: oldPair.encryptedKeys });
    assert.equal(kekVersion(moved.encryptedKeys!), 2);
    assert.equal(moved.dataKey, oldPair.dataKey.key);
    // An update after rotation seals under version 2, and both versions of the object stay listed.
    await vault.updateObject({ id: oldObject.id, value: 'after rotation' });
    assert.equal((await vault.readObject({ id: oldObject.id })).value, 'after rotation');
    assert.equal((await vault.listObjectVersions({ id: oldObject.id })).length, 2);
    const db = new Client({ connectionString: e.stack.databaseUrl('vault') });
    await db.connect();
    try {
      // The rotation's rekey job moves the first version's stored data key to version 2 as well.
      await waitFor(async () => {
        const { rows } = await db.query<{ encrypted_keys: Buffer }>('SELECT encrypted_keys FROM vault_object_versions WHERE object_id = $1 ORDER BY id', [oldObject.id]);
        return rows.length === 2 && rows.every((r) => r.encrypted_keys.readUInt32BE(20) === 2);
      }, { timeoutMs: 30_000, message: 'both stored data keys re-wrapped under version 2' });
      assert.equal((await vault.listObjectVersions({ id: oldObject.id })).length, 2);
    } finally {
      await db.end();
    }
    const rotated = await waitForEvents(e.workos, ['vault.kek.created'], (all) => all.some((ev) => (ev.data as { keyName?: string }).keyName?.endsWith('@v2')));
    assert.ok(rotated.some((ev) => (ev.data as { keyId?: string }).keyId === oldObject.keyId));
  });

  test("every read of a value lands in its organization's audit log once, with the reader's address and never the value", async () => {
    const auditOrg = (await e.workos.organizations.createOrganization({ name: `Vault audit ${tag}` })).id;
    const name = `audited-${tag}`;
    const obj = await e.workos.vault.createObject({ name, value: 'audited-value', context: { organization_id: auditOrg } });
    await e.workos.vault.readObject({ id: obj.id });
    await e.workos.vault.readObjectByName(name);
    const rows = await waitFor(async () => {
      const exp = await e.workos.auditLogs.createExport({ organizationId: auditOrg, rangeStart: new Date(Date.now() - 3_600_000), rangeEnd: new Date(Date.now() + 60_000) });
      const ready = await waitFor(async () => {
        const got = await e.workos.auditLogs.getExport(exp.id);
        return got.state === 'ready' ? got : undefined;
      }, { timeoutMs: 30_000, message: 'export ready' });
      const csv = await (await fetch(ready.url!)).text();
      const reads = csv.split('\n').filter((l) => l.includes('vault.data.read'));
      return reads.length >= 2 ? reads : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500, message: 'two vault.data.read rows in the export' });
    assert.equal(rows.length, 2, 'each read once, however often the consumer sees it');
    for (const row of rows) {
      assert.ok(row.includes(name) && row.includes('vault_object') && row.includes('api_key'), row);
      assert.ok(row.includes('127.0.0.1'), `the reader's address: ${row}`);
      assert.ok(!row.includes('audited-value'), 'never the value');
    }
  });

  test('values are encrypted at rest: a database dump holds no plaintext', async () => {
    const marker = `plaintext-marker-${tag}`;
    const created = await e.workos.vault.createObject({ name: `at-rest-${tag}`, value: marker, context });
    const db = new Client({ connectionString: e.stack.databaseUrl('vault') });
    await db.connect();
    try {
      const { rows } = await db.query<{ ciphertext: Buffer; encrypted_keys: Buffer; wrapped_key: Buffer }>(
        `SELECT v.ciphertext, v.encrypted_keys, k.wrapped_key FROM vault_object_versions v
         JOIN vault_kek_versions k ON k.kek_id = $2 WHERE v.object_id = $1`,
        [created.id, created.keyId],
      );
      assert.equal(rows.length, 1);
      assert.ok(!rows[0]!.ciphertext.includes(Buffer.from(marker)));
      const dump = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM vault_object_versions WHERE position($1::bytea in ciphertext) > 0 OR position($1::bytea in encrypted_keys) > 0`,
        [Buffer.from(marker)],
      );
      assert.equal(dump.rows[0]!.n, '0');
      const outbox = await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE payload::text LIKE $1`, [`%${marker}%`]);
      assert.equal(outbox.rows[0]!.n, '0', 'no value in any event');
    } finally {
      await db.end();
    }
  });

  test('vault.* events reach the Events API, without values', async () => {
    const vault = e.workos.vault;
    const name = `evented-${tag}`;
    const o = await vault.createObject({ name, value: 'never-in-an-event', context });
    await vault.readObject({ id: o.id });
    await vault.describeObject({ id: o.id });
    await vault.updateObject({ id: o.id, value: 'still-never' });
    await vault.deleteObject({ id: o.id });
    const forName = (all: Awaited<ReturnType<typeof listAllEvents>>) => all.filter((ev) => (ev.data as { kvName?: string }).kvName === name);
    const events = await waitForEvents(e.workos, VAULT_EVENTS, (all) => forName(all).length >= 5, { message: 'vault events of one object' });
    assert.deepEqual(
      forName(events).map((ev) => ev.event),
      ['vault.data.created', 'vault.data.read', 'vault.metadata.read', 'vault.data.updated', 'vault.data.deleted'],
    );
    const created = forName(events)[0]!.data as unknown as Record<string, unknown>;
    assert.equal(created.keyId, o.keyId);
    assert.deepEqual(created.keyContext, context);
    assert.equal(created.actorSource, 'api');
    const all = await listAllEvents(e.workos, VAULT_EVENTS);
    assert.ok(all.some((ev) => ev.event === 'vault.kek.created'));
    assert.ok(all.some((ev) => ev.event === 'vault.dek.read'));
    assert.ok(all.some((ev) => ev.event === 'vault.dek.decrypted'));
    assert.ok(all.some((ev) => ev.event === 'vault.names.listed'));
    assert.ok(!JSON.stringify(all).includes('never-in-an-event'));
    assert.ok(!JSON.stringify(all).includes('still-never'));
  });

  test('crypto-shredding: deleting an organization destroys its keys at once; a dump holds ciphertext no root key opens; a purge then removes the rows', async () => {
    const vault = e.workos.vault;
    const x = await e.workos.organizations.createOrganization({ name: `shred-x-${tag}` });
    const y = await e.workos.organizations.createOrganization({ name: `shred-y-${tag}` });
    const ox = await vault.createObject({ name: `shred-x-${tag}`, value: 'x-secret', context: { organization_id: x.id, app: 'billing' } });
    const ox2 = await vault.createObject({ name: `shred-x2-${tag}`, value: 'x-secret-2', context: { organization_id: x.id } });
    const oy = await vault.createObject({ name: `shred-y-${tag}`, value: 'y-secret', context: { organization_id: y.id } });
    const dk = await vault.createDataKey({ context: { organization_id: x.id } });
    const db = new Client({ connectionString: e.stack.databaseUrl('vault') });
    await db.connect();
    try {
      await e.workos.organizations.deleteOrganization(x.id);
      const shredded = await waitFor(async () => {
        const { rows } = await db.query<{ id: string }>("SELECT id FROM vault_keks WHERE key_context->>'organization_id' = $1 AND shredded_at IS NOT NULL", [x.id]);
        return rows.length === 2 ? rows.map((r) => r.id) : undefined;
      }, { timeoutMs: 30_000, message: 'both KEKs of the deleted organization shredded' });
      assert.deepEqual(shredded.sort(), [ox.keyId, ox2.keyId].sort());

      // The dump: the ciphertext is still there, but every version of its KEKs holds no key material.
      const dump = await db.query<{ ciphertext: Buffer; wrapped_key: Buffer }>(
        'SELECT v.ciphertext, k.wrapped_key FROM vault_object_versions v JOIN vault_objects o ON o.id = v.object_id JOIN vault_kek_versions k ON k.kek_id = o.kek_id WHERE o.id = ANY($1::text[])',
        [[ox.id, ox2.id]],
      );
      assert.ok(dump.rows.length >= 2, 'the rows survive until the purge');
      for (const r of dump.rows) {
        assert.ok(r.ciphertext.length > 0);
        assert.equal(r.wrapped_key.length, 0, 'no root key can open an empty wrapped key');
      }

      // At once, on every path: reads, data keys and new writes under the organization's context.
      await expectSdkError(vault.readObject({ id: ox.id }), NotFoundException, 404);
      await expectSdkError(vault.readObjectByName(`shred-x2-${tag}`), NotFoundException, 404);
      await expectSdkError(vault.decryptDataKey({ keys: dk.encryptedKeys }), NotFoundException, 404);
      await expectSdkError(vault.createDataKey({ context: { organization_id: x.id } }), NotFoundException, 404);
      assert.equal((await vault.readObject({ id: oy.id })).value, 'y-secret', 'another organization is untouched');

      // The purge removes the rows, then records it.
      await waitFor(async () => (await db.query('SELECT 1 FROM vault_objects WHERE id = ANY($1::text[])', [[ox.id, ox2.id]])).rowCount === 0, { timeoutMs: 30_000, message: 'the purge' });
      // Neither type is in the Node SDK's typed catalogue, so it hands their data over as sent (snake_case).
      const data = (ev: { data: unknown }) => ev.data as { organization_id?: string; key_id?: string; objects_deleted?: number };
      const isPurge = (ev: { event: string; data: unknown }) => ev.event === 'vault.data.purged' && data(ev).organization_id === x.id;
      const events = await waitForEvents(e.workos, ['vault.kek.deleted', 'vault.data.purged'] as unknown as EventName[], (all) => all.filter(isPurge).length === 1, { message: 'shredding events' });
      assert.equal(events.filter((ev) => (ev.event as string) === 'vault.kek.deleted' && shredded.includes(data(ev).key_id ?? '')).length, 2);
      assert.equal(data(events.find(isPurge)!).objects_deleted, 2);
      assert.equal((await vault.readObject({ id: oy.id })).value, 'y-secret');
    } finally {
      await db.end();
    }
  });
});
