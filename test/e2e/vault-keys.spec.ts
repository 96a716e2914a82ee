import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { GenericServerException, type EventName, type WorkOS } from '@workos-inc/node';
import { createSoftHsmToken, softHsmAvailability, uniqueSuffix, waitFor, type SoftHsmToken } from '@wos/platform/testing';
import { startE2e, expectSdkError, waitForEvents, type E2e } from '../support/e2e-stack';

/*
 * Vault's key hierarchy under stress: organizations' own root keys (BYOK, LOCAL and PKCS11 in a
 * SoftHSM2 token this file initialises), their revocation, KEK rotation with its rekey job, and
 * a kill -9 of the vault in the middle of that job.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const REKEY_BATCH = 20;

interface ByokKey {
  object: string;
  id: string;
  organization_id: string;
  key_provider: string;
  key_label: string | null;
  key_check_value: string;
  state: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
}

/** The standard AES key check value, computed here independently of the service. */
function kcv(key: Buffer): string {
  const c = createCipheriv('aes-256-ecb', key, null);
  c.setAutoPadding(false);
  return c.update(Buffer.alloc(16)).subarray(0, 3).toString('hex');
}

const kekVersion = (blob: Buffer | string) => (typeof blob === 'string' ? Buffer.from(blob, 'base64') : blob).readUInt32BE(20);

/** A failed call carries a 403 `byok_key_revoked` (the SDK's GenericServerException), never a 500. */
async function expectRevoked(call: Promise<unknown>): Promise<void> {
  const err = await expectSdkError(call, GenericServerException, 403);
  assert.equal((err as unknown as { code: string }).code, 'byok_key_revoked');
}

/* PKCS#11 needs SoftHSM2 and the pkcs11js build; CI has both (tools/setup.sh), so there a gap fails. */
const hsm = softHsmAvailability();
const skipHsm = 'missing' in hsm && process.env.CI !== 'true' ? hsm.missing : false;

describe("Vault's key hierarchy: BYOK, revocation, rotation and rekey", () => {
  let e: E2e;
  let other: WorkOS;
  let db: Client;
  let token: SoftHsmToken | undefined;
  const tag = uniqueSuffix();

  const register = (body: Record<string, unknown>, key: string | true = true) => e.http('POST', '/vault/v1/byok/keys', { key, body });
  const revoke = (id: string, key: string | true = true) => e.http('DELETE', `/vault/v1/byok/keys/${id}`, { key });
  const localKey = async (organizationId: string, material = randomBytes(32)) => {
    const res = await register({ organization_id: organizationId, key_provider: 'LOCAL', key_material: material.toString('base64') });
    assert.equal(res.status, 201, res.text);
    return res.json as ByokKey;
  };
  /** Which BYOK key wraps each KEK version of the organization (null: the platform's root key). */
  const wrappers = async (organizationId: string) =>
    (
      await db.query<{ kek_id: string; version: number; byok_key_id: string | null; provider: string; root_key_id: string }>(
        `SELECT v.kek_id, v.version, v.byok_key_id, v.provider, v.root_key_id FROM vault_kek_versions v JOIN vault_keks k ON k.id = v.kek_id
          WHERE k.environment_id = $1 AND k.key_context->>'organization_id' = $2 ORDER BY v.kek_id, v.version`,
        [e.creds.environment_id, organizationId],
      )
    ).rows;

  before(async () => {
    if (!skipHsm) token = createSoftHsmToken('vault-e2e', [{ label: 'org-root' }, { label: 'exportable', extractable: true }]);
    const pkcs11: Record<string, string> = token ? { SOFTHSM2_CONF: token.conf, VAULT_PKCS11_LIBRARY: token.library, VAULT_PKCS11_TOKEN_LABEL: token.label, VAULT_PKCS11_PIN: token.pin } : {};
    // Small, paced rekey batches, so the kill -9 below lands in the middle of a rekey.
    const rekey = { VAULT_REKEY_BATCH: String(REKEY_BATCH), VAULT_REKEY_BATCH_DELAY_MS: '150', VAULT_REKEY_INTERVAL_MS: '500' };
    e = await startE2e({ name: 'vault_keys', portOffset: 6000, apps: ['organizations', 'events', 'vault'], appEnv: { vault: { ...pkcs11, ...rekey } }, readyTimeoutMs: 180_000 });
    other = e.client((await e.createEnvironment(`vault-keys-other-${tag}`)).api_key);
    db = new Client({ connectionString: e.stack.databaseUrl('vault') });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await e?.stop();
    token?.remove();
  });

  test("BYOK (LOCAL): the organization's KEKs move under its key; revoking it makes objects and data keys unreadable at once, with a 403 and an event", async () => {
    const vault = e.workos.vault;
    const org = `org_byok_${tag}`;
    const ctx = { organization_id: org };
    const early = await vault.createObject({ name: `byok-early-${tag}`, value: 'written before the key', context: ctx });
    const dk = await vault.createDataKey({ context: ctx });
    const sealed = await vault.encrypt('held by the client', ctx);
    const bystander = await vault.createObject({ name: `byok-bystander-${tag}`, value: 'another organization', context: { organization_id: `org_bystander_${tag}` } });
    assert.deepEqual((await wrappers(org)).map((w) => w.byok_key_id), [null], 'the platform root wraps it first');

    const material = randomBytes(32);
    const key = await localKey(org, material);
    assert.match(key.id, UUID);
    assert.deepEqual(
      { ...key, id: '', created_at: '' },
      { object: 'byok_key', id: '', organization_id: org, key_provider: 'LOCAL', key_label: null, key_check_value: kcv(material), state: 'active', created_at: '', revoked_at: null },
    );
    // Every KEK version of the organization is re-wrapped by its key (the KEK itself is unchanged).
    assert.deepEqual((await wrappers(org)).map((w) => w.byok_key_id), [key.id]);
    const stored = await db.query<{ n: string }>('SELECT count(*) AS n FROM vault_byok_keys WHERE position($1::bytea in wrapped_material) > 0', [material]);
    assert.equal(stored.rows[0]!.n, '0', 'the imported material is stored only wrapped');

    assert.equal((await vault.readObject({ id: early.id })).value, 'written before the key');
    assert.deepEqual(await vault.decryptDataKey({ keys: dk.encryptedKeys }), dk.dataKey);
    assert.equal(await vault.decrypt(sealed), 'held by the client');
    const later = await vault.createObject({ name: `byok-later-${tag}`, value: 'written under the key', context: { organization_id: org, app: 'billing' } });
    assert.deepEqual((await wrappers(org)).map((w) => w.byok_key_id), [key.id, key.id], "a new context's KEK is wrapped by the key too");

    const second = await register({ organization_id: org, key_provider: 'LOCAL', key_material: randomBytes(32).toString('base64') });
    assert.equal(second.status, 409, second.text);
    assert.equal((second.json as { code: string }).code, 'byok_key_already_active');
    const got = await e.http('GET', `/vault/v1/byok/keys/${key.id}`, { key: true });
    assert.deepEqual(got.json, key);
    const listed = await e.http('GET', `/vault/v1/byok/keys?organization_id=${org}`, { key: true });
    assert.deepEqual((listed.json as { data: ByokKey[] }).data, [key]);

    const del = await revoke(key.id);
    assert.equal(del.status, 200, del.text);
    const revoked = del.json as ByokKey;
    assert.equal(revoked.state, 'revoked');
    assert.ok(revoked.revoked_at && !Number.isNaN(Date.parse(revoked.revoked_at)));

    // At once, on every path: stored objects, client-held data keys and ciphertexts, new writes.
    await expectRevoked(vault.readObject({ id: early.id }));
    await expectRevoked(vault.readObjectByName(`byok-later-${tag}`));
    await expectRevoked(vault.decryptDataKey({ keys: dk.encryptedKeys }));
    await expectRevoked(vault.decrypt(sealed));
    await expectRevoked(vault.createDataKey({ context: ctx }));
    await expectRevoked(vault.updateObject({ id: early.id, value: 'overwrite' }));
    await expectRevoked(vault.createObject({ name: `byok-refused-${tag}`, value: 'x', context: { organization_id: org, app: 'new' } }));
    const raw = await e.http('GET', `/vault/v1/kv/${early.id}`, { key: true });
    assert.equal(raw.status, 403);
    assert.deepEqual(raw.json, {
      code: 'byok_key_revoked',
      message: "The organization's own encryption key (BYOK) was revoked: the vault data it protects cannot be read or written.",
      organization_id: org,
    });
    assert.equal((await vault.describeObject({ id: early.id })).name, `byok-early-${tag}`, 'metadata needs no key');
    assert.equal((await vault.readObject({ id: bystander.id })).value, 'another organization');
    const material_ = await db.query<{ wrapped_material: Buffer | null }>('SELECT wrapped_material FROM vault_byok_keys WHERE id = $1', [key.id]);
    assert.equal(material_.rows[0]!.wrapped_material, null, 'the imported material is destroyed');

    // Revoking again changes nothing.
    const again = await revoke(key.id);
    assert.equal(again.status, 200);
    assert.equal((again.json as ByokKey).revoked_at, revoked.revoked_at);

    const events = await waitForEvents(
      e.workos,
      ['vault.byok_key.verification_completed', 'vault.byok_key.deleted'] as EventName[],
      (all) => all.some((ev) => (ev.event as string) === 'vault.byok_key.deleted' && (ev.data as { organization_id?: string }).organization_id === org),
      { message: 'BYOK events' },
    );
    const verified = events.filter((ev) => ev.event === 'vault.byok_key.verification_completed' && (ev.data as { organizationId?: string }).organizationId === org);
    assert.equal(verified.length, 1);
    assert.deepEqual(verified[0]!.data, { organizationId: org, keyProvider: 'LOCAL', verified: true });
    const deleted = events.filter((ev) => (ev.event as string) === 'vault.byok_key.deleted' && (ev.data as { organization_id?: string }).organization_id === org);
    assert.equal(deleted.length, 1, 'one event, however often it is revoked');
    assert.deepEqual(deleted[0]!.data, { organization_id: org, key_provider: 'LOCAL', byok_key_id: key.id });
  });

  test('revocation is final: a key brought afterwards, even the same material, protects new data only', async () => {
    const vault = e.workos.vault;
    const org = `org_byok_again_${tag}`;
    const ctx = { organization_id: org };
    const material = randomBytes(32);
    const first = await localKey(org, material);
    const obj = await vault.createObject({ name: `byok-again-${tag}`, value: 'under the first key', context: ctx });
    assert.equal((await revoke(first.id)).status, 200);
    await expectRevoked(vault.readObject({ id: obj.id }));

    const second = await localKey(org, material);
    assert.notEqual(second.id, first.id);
    assert.equal(second.key_check_value, first.key_check_value, 'the same material');
    await expectRevoked(vault.readObject({ id: obj.id }));
    // The context's KEK got a new current version under the new key, so writes resume.
    const w = await wrappers(org);
    assert.deepEqual(
      w.map((v) => [v.version, v.byok_key_id]),
      [
        [1, first.id],
        [2, second.id],
      ],
    );
    const updated = await vault.updateObject({ id: obj.id, value: 'under the second key' });
    assert.equal((await vault.readObject({ id: obj.id })).value, 'under the second key');
    assert.equal((await vault.listObjectVersions({ id: obj.id })).length, 2);
    const fresh = await vault.createObject({ name: `byok-again-new-${tag}`, value: 'new', context: ctx });
    assert.equal((await vault.readObject({ id: fresh.id })).value, 'new');
    assert.ok(updated.metadata.versionId);
    // The rotation's rekey cannot open the first version's data key: it is counted, and left alone.
    const job = await waitFor(async () => {
      const { rows } = await db.query<{ completed_at: Date | null; unreadable: number; rewrapped: number }>('SELECT completed_at, unreadable, rewrapped FROM vault_rekeys WHERE kek_id = $1', [w[0]!.kek_id]);
      return rows[0]?.completed_at ? rows[0] : undefined;
    }, { timeoutMs: 30_000, message: 'the rekey after the new key' });
    assert.deepEqual({ rewrapped: job.rewrapped, unreadable: job.unreadable }, { rewrapped: 0, unreadable: 1 });
  });

  test("deleting the organization revokes its own key along with shredding its KEKs", async () => {
    const org = await e.workos.organizations.createOrganization({ name: `BYOK shred ${tag}` });
    const key = await localKey(org.id);
    await e.workos.vault.createObject({ name: `byok-shred-${tag}`, value: 'x', context: { organization_id: org.id } });
    await e.workos.organizations.deleteOrganization(org.id);
    const revoked = await waitFor(async () => {
      const got = (await e.http('GET', `/vault/v1/byok/keys/${key.id}`, { key: true })).json as ByokKey;
      return got.state === 'revoked' ? got : undefined;
    }, { timeoutMs: 30_000, message: 'the key revoked with the organization' });
    assert.ok(revoked.revoked_at);
    await waitForEvents(
      e.workos,
      ['vault.byok_key.deleted'] as unknown as EventName[],
      (all) => all.some((ev) => (ev.data as { byok_key_id?: string }).byok_key_id === key.id),
      { message: 'vault.byok_key.deleted for the deleted organization' },
    );
  });

  test('BYOK management: environment isolation and bad input', async () => {
    const org = `org_byok_iso_${tag}`;
    const mine = await localKey(org);
    const otherKey = (await e.createEnvironment(`vault-keys-iso-${tag}`)).api_key;
    assert.equal((await e.http('GET', `/vault/v1/byok/keys/${mine.id}`, { key: otherKey })).status, 404);
    assert.equal((await revoke(mine.id, otherKey)).status, 404);
    assert.equal(((await e.http('GET', `/vault/v1/byok/keys?organization_id=${org}`, { key: otherKey })).json as { data: unknown[] }).data.length, 0);
    // The same organization ID in another environment is another tenant's: its own key, no conflict.
    const theirs = await register({ organization_id: org, key_provider: 'LOCAL', key_material: randomBytes(32).toString('base64') }, otherKey);
    assert.equal(theirs.status, 201, theirs.text);
    assert.equal(((await e.http('GET', `/vault/v1/byok/keys/${mine.id}`, { key: true })).json as ByokKey).state, 'active');
    const theirObject = await other.vault.createObject({ name: `iso-${tag}`, value: 'theirs', context: { organization_id: org } });
    assert.equal((await revoke(mine.id)).status, 200);
    assert.equal((await other.vault.readObject({ id: theirObject.id })).value, 'theirs', "revoking mine leaves theirs readable");

    const bad: [string, Record<string, unknown>][] = [
      ['no organization', { key_provider: 'LOCAL', key_material: randomBytes(32).toString('base64') }],
      ['not an organization ID', { organization_id: 'acme', key_provider: 'LOCAL', key_material: randomBytes(32).toString('base64') }],
      ['16-byte material', { organization_id: org, key_provider: 'LOCAL', key_material: randomBytes(16).toString('base64') }],
      ['material not base64', { organization_id: org, key_provider: 'LOCAL', key_material: '%%%%' }],
      ['unknown provider', { organization_id: org, key_provider: 'AWS_KMS', key_arn: 'arn:aws:kms:x' }],
      ['PKCS11 without a label', { organization_id: org, key_provider: 'PKCS11' }],
      ['a label with control characters', { organization_id: org, key_provider: 'PKCS11', key_label: 'a\u0007b' }],
    ];
    for (const [what, body] of bad) {
      const res = await register(body);
      assert.equal(res.status, 422, `${what}: ${res.status} ${res.text}`);
      assert.equal((res.json as { code: string }).code, 'invalid_request_parameters', what);
    }
    assert.equal((await e.http('GET', '/vault/v1/byok/keys/not-a-uuid', { key: true })).status, 404);
    assert.equal((await revoke('00000000-0000-7000-8000-000000000000')).status, 404);
    assert.equal((await e.http('GET', '/vault/v1/byok/keys?limit=1000', { key: true })).status, 422);
    assert.equal((await e.http('GET', '/vault/v1/byok/keys?organization_id=acme', { key: true })).status, 422);
    assert.equal((await e.http('GET', '/vault/v1/byok/keys', {})).status, 401);
  });

  test('BYOK (PKCS11): a non-extractable key in a SoftHSM2 token wraps the KEKs inside the token; extractable or unknown keys are refused', { skip: skipHsm }, async () => {
    const vault = e.workos.vault;
    const org = `org_byok_hsm_${tag}`;
    const ctx = { organization_id: org };
    const obj = await vault.createObject({ name: `hsm-${tag}`, value: 'guarded by the HSM', context: ctx });

    for (const [label, message] of [
      ['exportable', /can be extracted/],
      ['no-such-key', /no secret key labelled/],
    ] as const) {
      const res = await register({ organization_id: org, key_provider: 'PKCS11', key_label: label });
      assert.equal(res.status, 422, res.text);
      const body = res.json as { errors: { code: string; message: string }[] };
      assert.equal(body.errors[0]!.code, 'byok_key_verification_failed');
      assert.match(body.errors[0]!.message, message);
    }
    const res = await register({ organization_id: org, key_provider: 'PKCS11', key_label: 'org-root' });
    assert.equal(res.status, 201, res.text);
    const key = res.json as ByokKey;
    assert.equal(key.key_label, 'org-root');
    assert.match(key.key_check_value, /^[0-9a-f]{6}$/);
    assert.deepEqual(
      (await wrappers(org)).map((w) => [w.provider, w.root_key_id, w.byok_key_id]),
      [['pkcs11', 'org-root', key.id]],
    );
    assert.equal((await vault.readObject({ id: obj.id })).value, 'guarded by the HSM');
    const sealed = await vault.encrypt('client-held under the HSM', { organization_id: org, app: 'x' });
    assert.equal(await vault.decrypt(sealed), 'client-held under the HSM');

    assert.equal((await revoke(key.id)).status, 200);
    await expectRevoked(vault.readObject({ id: obj.id }));
    await expectRevoked(vault.decrypt(sealed));

    const events = await waitForEvents(
      e.workos,
      ['vault.byok_key.verification_completed'],
      (all) => all.filter((ev) => (ev.data as { organizationId?: string }).organizationId === org).length >= 3,
      { message: 'PKCS11 verification events' },
    );
    assert.deepEqual(
      events.filter((ev) => (ev.data as { organizationId?: string }).organizationId === org).map((ev) => (ev.data as { verified: boolean }).verified),
      [false, false, true],
    );
  });

  test('kill -9 of the vault in the middle of a rekey: no object is left unreadable, and the job completes exactly once', async () => {
    const vault = e.workos.vault;
    const ctx = { organization_id: `org_rekey_${tag}` };
    const total = 300;
    const values = new Map<string, string>();
    for (let i = 0; i < total; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, j) => vault.createObject({ name: `rekey-${tag}-${i + j}`, value: `value ${i + j}`, context: ctx })),
      );
      for (const [j, o] of batch.entries()) values.set(o.id, `value ${i + j}`);
    }
    // One object with three versions: every stored version is re-wrapped, not only the current one.
    const multi = [...values.keys()][0]!;
    for (const v of ['second', 'third']) await vault.updateObject({ id: multi, value: v });
    values.set(multi, 'third');
    const versions = total + 2;
    const dk = await vault.createDataKey({ context: ctx });
    const sealed = await vault.encrypt('sealed before the rotation', ctx);

    const rotated = await e.http('POST', '/vault/v1/keys/rotate', { key: true, body: { context: ctx } });
    assert.equal(rotated.status, 200, rotated.text);
    const kekId = (rotated.json as { key_id: string }).key_id;
    const jobOf = async () =>
      (await db.query<{ rewrapped: number; unreadable: number; target_version: number; completed_at: Date | null }>('SELECT rewrapped, unreadable, target_version, completed_at FROM vault_rekeys WHERE kek_id = $1', [kekId])).rows;

    // Kill it once a few batches are committed and many remain.
    const progress = await waitFor(async () => {
      const [job] = await jobOf();
      return job && job.rewrapped >= 2 * REKEY_BATCH ? job : undefined;
    }, { timeoutMs: 60_000, intervalMs: 20, message: 'the rekey under way' });
    await e.stack.kill('vault', 'SIGKILL');
    assert.equal(progress.completed_at, null, 'killed before the job finished');
    const stored = async () =>
      (
        await db.query<{ encrypted_keys: Buffer }>('SELECT v.encrypted_keys FROM vault_object_versions v JOIN vault_objects o ON o.id = v.object_id WHERE o.kek_id = $1', [kekId])
      ).rows.map((r) => kekVersion(r.encrypted_keys));
    const atKill = await stored();
    assert.equal(atKill.length, versions);
    const moved = atKill.filter((v) => v === 2).length;
    assert.ok(moved >= 2 * REKEY_BATCH && moved < versions, `mid-job at the kill: ${moved} of ${versions} re-wrapped`);
    assert.equal(moved, (await jobOf())[0]!.rewrapped, 'the committed count is exactly what was re-wrapped');

    e.stack.spawnApp('vault');
    await e.stack.waitReady('vault', 180_000);
    // Every object reads back right away, whichever version wraps its data key at this moment.
    const ids = [...values.keys()];
    for (let i = 0; i < ids.length; i += 20) {
      const read = await Promise.all(ids.slice(i, i + 20).map((id) => vault.readObject({ id })));
      for (const o of read) assert.equal(o.value, values.get(o.id));
    }
    const done = await waitFor(async () => {
      const jobs = await jobOf();
      return jobs[0]?.completed_at ? jobs : undefined;
    }, { timeoutMs: 60_000, message: 'the rekey resumed and completed' });
    assert.equal(done.length, 1, 'one job, resumed, not restarted beside itself');
    assert.deepEqual({ rewrapped: done[0]!.rewrapped, unreadable: done[0]!.unreadable, target: done[0]!.target_version }, { rewrapped: versions, unreadable: 0, target: 2 });
    assert.deepEqual(new Set(await stored()), new Set([2]));
    // Version 1 stays for what clients hold.
    assert.deepEqual(await vault.decryptDataKey({ keys: dk.encryptedKeys }), dk.dataKey);
    assert.equal(await vault.decrypt(sealed), 'sealed before the rotation');
    assert.equal((await vault.readObject({ id: multi })).value, 'third');

    const events = await waitForEvents(e.workos, ['vault.kek.rekeyed'] as unknown as EventName[], (all) => all.some((ev) => (ev.data as { key_id?: string }).key_id === kekId), {
      message: 'vault.kek.rekeyed',
    });
    const rekeyed = events.filter((ev) => (ev.data as { key_id?: string }).key_id === kekId);
    assert.equal(rekeyed.length, 1);
    assert.deepEqual(rekeyed[0]!.data, { key_id: kekId, version: 2, data_keys_rewrapped: versions, data_keys_unreadable: 0 });
  });
});
