import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HealthRegistry, isUniqueViolation, newId } from '@wos/platform';
import { createTestDatabase, type TestDatabase } from '@wos/platform/testing';
import { IdPrefix } from '@wos/contracts';
import { CredentialsRepository } from '../src/credentials/credentials.repository';
import { CredentialsService } from '../src/credentials/credentials.service';
import { generateApiKey, hashApiKey } from '../src/credentials/api-key.secret';
import { PrismaService } from '../src/infra/prisma.service';

/*
 * The Dashboard's built-in environment is created once: a racer that loses on the partial unique
 * index (environments_one_builtin) gets Prisma's P2002 through the pg adapter, which the kit's one
 * error mapper (isUniqueViolation) recognises, and reads the winner's environment.
 */
describe('the built-in environment', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let repo: CredentialsRepository;
  before(async () => {
    db = await createTestDatabase('gateway_builtin_env', join(__dirname, '..', '..', 'prisma', 'migrations'));
    prisma = new PrismaService(db.url, 4, new HealthRegistry());
    repo = new CredentialsRepository(prisma);
  });
  after(async () => {
    await prisma?.onApplicationShutdown();
    await db?.drop();
  });

  test('racing callers all get the one built-in environment, with the redirect URI allowed', async () => {
    const service = new CredentialsService(repo);
    const all = await Promise.all(Array.from({ length: 4 }, () => service.ensureBuiltinEnvironment('http://localhost:4000/dashboard/callback')));
    assert.equal(new Set(all.map((r) => r.environment_id)).size, 1);
    assert.equal(new Set(all.map((r) => r.client_id)).size, 1);
    assert.equal(await prisma.environment.count({ where: { builtin: true } }), 1);
  });

  test("a second built-in environment is Prisma's P2002, which isUniqueViolation recognises", async () => {
    const value = generateApiKey('test');
    const record = { id: newId(IdPrefix.apiKey), name: 'second', keyHash: hashApiKey(value), last4: value.slice(-4), rateLimitPerMinute: null };
    const err = await repo.createEnvironment({ id: newId(IdPrefix.environment), name: 'Dashboard', kind: 'test', builtin: true }, record, newId(IdPrefix.clientId)).then(
      () => assert.fail('a second built-in environment was created'),
      (e: unknown) => e,
    );
    assert.equal((err as { code?: string }).code, 'P2002');
    assert.equal(isUniqueViolation(err), true);
    assert.equal(isUniqueViolation(err, 'builtin'), true);
    assert.equal(isUniqueViolation(err, 'client_id'), false);
  });
});
