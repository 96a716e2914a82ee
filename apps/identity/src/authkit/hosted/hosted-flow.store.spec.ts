import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { SecretBox, sha256Hex } from '@wos/platform';
import { testRedisUrl } from '@wos/platform/testing';
import { FLOW_TTL_SECONDS, HostedFlowStore, mayBeCsrfToken } from './hosted-flow.store';

/* Real Redis: the store's reads extend a flow's life, and a page view that changed nothing writes nothing. */
describe('HostedFlowStore', () => {
  let redis: Redis;
  let store: HostedFlowStore;
  const ids: string[] = [];
  const keyOf = (id: string) => `identity:authkit:flow:${sha256Hex(id)}`;

  before(() => {
    redis = new Redis(testRedisUrl(0), { lazyConnect: false });
    store = new HostedFlowStore(redis, SecretBox.fromConfig(SecretBox.generateKeys()));
  });
  after(async () => {
    if (ids.length) await redis.del(...ids.map(keyOf));
    redis.disconnect();
  });

  const open = async () => {
    const made = await store.create({ environmentId: 'environment_1', clientId: 'client_1', request: null, invitationToken: null });
    ids.push(made.id);
    return made;
  };

  test('a read extends the flow to its full life', async () => {
    const { id } = await open();
    await redis.expire(keyOf(id), 5);
    assert.ok((await store.load(id)) !== null);
    const ttl = await redis.ttl(keyOf(id));
    assert.ok(ttl > FLOW_TTL_SECONDS - 5, `ttl ${ttl}`);
  });

  test('saving a flow unchanged since its read writes nothing (a concurrent change survives)', async () => {
    const { id } = await open();
    const mine = (await store.load(id))!;
    const theirs = (await store.load(id))!;
    theirs.email = 'someone@example.com';
    await store.save(id, theirs);
    await store.save(id, mine); // unchanged: must not overwrite with the stale copy
    assert.equal((await store.load(id))!.email, 'someone@example.com');
  });

  test('a changed flow is written, and saving it again writes nothing more', async () => {
    const { id, flow } = await open();
    flow.email = 'a@example.com';
    await store.save(id, flow);
    const sealed = await redis.get(keyOf(id));
    await store.save(id, flow);
    assert.equal(await redis.get(keyOf(id)), sealed, 'the second save of the same state wrote again');
    assert.equal((await store.load(id))!.email, 'a@example.com');
  });

  test("every flow's CSRF token has the shape a form's token is checked for before any flow is read", async () => {
    for (let i = 0; i < 20; i++) assert.ok(mayBeCsrfToken((await open()).flow.csrf));
    for (const bad of ['', 'not-the-token', 'a'.repeat(31), 'a'.repeat(33), `${'a'.repeat(31)}=`, `${'a'.repeat(31)}/`]) assert.equal(mayBeCsrfToken(bad), false, bad);
  });

  test('a flow sealed under another key or tampered with reads as none', async () => {
    const { id } = await open();
    const other = new HostedFlowStore(redis, SecretBox.fromConfig(SecretBox.generateKeys()));
    assert.equal(await other.load(id), null);
    await redis.set(keyOf(id), 'v1.k1.AAAA.BBBB', 'EX', 60);
    assert.equal(await store.load(id), null);
  });
});
