import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlagPollEntry } from '@workos-inc/node';
import { resolveBoolean } from './resolve';

const U = 'user_01HZBC6N1EB1ZY7KG32XAAAAAA';
const O = 'org_01HZBC6N1EB1ZY7KG32XAAAAAA';
const entry = (over: Partial<FlagPollEntry> = {}, users: string[] = [], orgs: string[] = []): FlagPollEntry => ({
  slug: 'beta',
  enabled: true,
  default_value: false,
  targets: { users: users.map((id) => ({ id, enabled: true })), organizations: orgs.map((id) => ({ id, enabled: true })) },
  ...over,
});
const meta = { source: 'poll' as const };

describe('resolveBoolean', () => {
  test('an unknown flag is the default value with FLAG_NOT_FOUND', () => {
    const d = resolveBoolean(undefined, 'nope', true, {}, meta);
    assert.deepEqual([d.value, d.reason, d.errorCode], [true, 'ERROR', 'FLAG_NOT_FOUND']);
  });
  test('a disabled flag is off whatever matches', () => {
    const d = resolveBoolean(entry({ enabled: false, default_value: true }, [U]), 'beta', true, { userId: U }, meta);
    assert.deepEqual([d.value, d.variant, d.reason], [false, 'off', 'DISABLED']);
  });
  test('a user (userId or targetingKey) or organization target is TARGETING_MATCH', () => {
    for (const ctx of [{ userId: U }, { targetingKey: U }, { organizationId: O }] as Record<string, string>[]) {
      const d = resolveBoolean(entry({}, [U], [O]), 'beta', false, ctx, meta);
      assert.deepEqual([d.value, d.variant, d.reason], [true, 'on', 'TARGETING_MATCH'], JSON.stringify(ctx));
    }
  });
  test('no targets at all is STATIC, targets that do not match DEFAULT', () => {
    assert.deepEqual([resolveBoolean(entry({ default_value: true }), 'beta', false, {}, meta).reason, resolveBoolean(entry({ default_value: true }), 'beta', false, {}, meta).value], ['STATIC', true]);
    const d = resolveBoolean(entry({}, [U]), 'beta', true, { userId: 'user_other' }, meta);
    assert.deepEqual([d.value, d.reason], [false, 'DEFAULT']);
  });
  test('flag metadata names the slug, the source and the version', () => {
    assert.deepEqual(resolveBoolean(entry(), 'beta', false, {}, { source: 'stream', version: '7' }).flagMetadata, { slug: 'beta', source: 'stream', version: '7', enabled: true, defaultValue: false });
  });
});
