import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ZodPipe } from './zod.pipe';
import { ValidationError } from '../errors/errors';

const pipe = new ZodPipe(z.strictObject({ name: z.string(), tags: z.array(z.string()).optional() }));

test('ZodPipe passes valid input through', () => {
  assert.deepEqual(pipe.transform({ name: 'a' }), { name: 'a' });
});

test('ZodPipe turns issues into WorkOS errors[] with stable codes', () => {
  assert.throws(
    () => pipe.transform({ tags: [1], extra: true }),
    (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      const codes = err.errors.map((e) => e.code).sort();
      assert.deepEqual(codes, ['name_required', 'tags_invalid', 'unknown_field']);
      return true;
    },
  );
});

test('ZodPipe treats a missing body as an empty object', () => {
  assert.throws(() => pipe.transform(undefined), ValidationError);
});
