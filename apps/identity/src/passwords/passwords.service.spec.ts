import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '@wos/platform';
import { hashSync as bcryptHash } from '@node-rs/bcrypt';
import { PasswordsService } from './passwords.service';
import type { AppConfig } from '../config';

const service = new PasswordsService({ ARGON2_MEMORY_KIB: 8192, ARGON2_TIME_COST: 1 } as AppConfig);

function ssha(password: string): string {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(salt).digest(), salt]).toString('base64')}`;
}

test('new passwords are argon2id PHC strings that verify only the right password', async () => {
  const h = await service.hash('correct horse');
  assert.match(h, /^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
  assert.equal(await service.verify(h, 'correct horse'), true);
  assert.equal(await service.verify(h, 'correct horsf'), false);
});

test('imported argon2 and {SSHA} hashes verify in their own format', async () => {
  const argon = await service.hash('imported one');
  assert.equal(service.importHash(argon, 'argon2'), argon);
  assert.equal(await service.verify(argon, 'imported one'), true);
  const s = ssha('legacy secret');
  assert.equal(service.importHash(s, 'ssha'), s);
  assert.equal(await service.verify(s, 'legacy secret'), true);
  assert.equal(await service.verify(s, 'legacy secreT'), false);
});

test('imported bcrypt hashes ($2a$, $2b$, $2y$) verify only the right password', async () => {
  for (const prefix of ['$2a$', '$2b$', '$2y$']) {
    const h = bcryptHash('legacy bcrypt', 4).replace(/^\$2[aby]\$/, prefix);
    assert.equal(service.importHash(h, 'bcrypt'), h);
    assert.equal(await service.verify(h, 'legacy bcrypt'), true, prefix);
    assert.equal(await service.verify(h, 'legacy bcrypT'), false, prefix);
  }
});

test('unsupported or malformed imported hashes are 422s with a field error', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      return err.errors[0]!.code;
    }
    assert.fail('expected a ValidationError');
  };
  assert.equal(codeOf(() => service.importHash('$2b$10$abcdefghijklmnopqrstuu', 'bcrypt')), 'password_hash_invalid');
  assert.equal(codeOf(() => service.importHash('x', 'md5')), 'password_hash_type_not_supported');
  assert.equal(codeOf(() => service.importHash('not-a-phc', 'argon2')), 'password_hash_invalid');
  assert.equal(codeOf(() => service.importHash('{SSHA}AAAA', 'ssha')), 'password_hash_invalid');
});

test('imported hashes above the cost limits are 422s naming password_hash', () => {
  const refused = (hash: string, type: string) => {
    try {
      service.importHash(hash, type);
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.status, 422);
      assert.equal(err.errors[0]!.field, 'password_hash');
      return `${err.errors[0]!.code}: ${err.errors[0]!.message}`;
    }
    assert.fail(`expected ${hash} to be refused`);
  };
  const salt = 'c29tZXNhbHRzb21lc2FsdA';
  const tag = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
  assert.match(refused(`$2b$15$${'a'.repeat(53)}`, 'bcrypt'), /password_hash_cost_too_high: .*cost 15.*14/);
  assert.match(refused(`$2b$31$${'a'.repeat(53)}`, 'bcrypt'), /cost_too_high/);
  assert.match(refused(`$argon2id$v=19$m=65537,t=2,p=1$${salt}$${tag}`, 'argon2'), /cost_too_high: .*m=65537/);
  assert.match(refused(`$argon2id$v=19$m=4194304,t=1000,p=1$${salt}$${tag}`, 'argon2'), /m=4194304/);
  assert.match(refused(`$argon2id$v=19$m=19456,t=11,p=1$${salt}$${tag}`, 'argon2'), /t=11/);
  assert.match(refused(`$argon2i$v=19$m=19456,t=2,p=5$${salt}$${tag}`, 'argon2'), /p=5/);
  // At the limits exactly, the hash is accepted.
  assert.doesNotThrow(() => service.importHash(`$2b$14$${'a'.repeat(53)}`, 'bcrypt'));
  assert.doesNotThrow(() => service.importHash(`$argon2id$v=19$m=65536,t=10,p=4$${salt}$${tag}`, 'argon2'));
});

test('a stored hash above the limits (imported before they existed) never runs and never verifies', async () => {
  // The real verification of a cost-31 bcrypt hash would take days; this returns at once.
  const h = bcryptHash('legacy', 4).replace(/^\$2b\$04\$/, '$2b$31$');
  assert.equal(await service.verify(h, 'legacy'), false);
});

test('only the current argon2id parameters need no rehash', async () => {
  assert.equal(service.needsRehash(await service.hash('x')), false);
  assert.equal(service.needsRehash(bcryptHash('x', 4)), true);
  assert.equal(service.needsRehash('$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaA'), true);
  assert.equal(service.needsRehash('{SSHA}abc'), true);
});

test('a user without a usable hash never verifies, after the same argon2 work', async () => {
  assert.equal(await service.verify(null, 'anything'), false);
  assert.equal(await service.verify('garbage', 'anything'), false);
});
