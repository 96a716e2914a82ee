import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '@wos/platform';
import bcrypt from 'bcryptjs';
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
    const h = bcrypt.hashSync('legacy bcrypt', 4).replace(/^\$2[aby]\$/, prefix);
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

test('a user without a usable hash never verifies, after the same argon2 work', async () => {
  assert.equal(await service.verify(null, 'anything'), false);
  assert.equal(await service.verify('garbage', 'anything'), false);
});
