import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { paginate, paginationQuerySchema, type PageRequest } from './pagination';

const ids = Array.from({ length: 25 }, (_, i) => `obj_${String(i).padStart(2, '0')}`);

/** An in-memory repository that answers PageRequests like the SQL ones do. */
async function fetchPage(req: PageRequest): Promise<{ id: string }[]> {
  let rows = [...ids];
  if (req.cursor) rows = rows.filter((id) => (req.cursor!.op === 'gt' ? id > req.cursor!.id : id < req.cursor!.id));
  rows.sort();
  if (req.direction === 'desc') rows.reverse();
  return rows.slice(0, req.take).map((id) => ({ id }));
}

describe('paginationQuerySchema', () => {
  test('defaults limit to 10 and order to desc', () => {
    assert.deepEqual(paginationQuerySchema.parse({}), { limit: 10, order: 'desc' });
  });
  test('refuses limits outside 1..100', () => {
    assert.equal(paginationQuerySchema.safeParse({ limit: '0' }).success, false);
    assert.equal(paginationQuerySchema.safeParse({ limit: '101' }).success, false);
    assert.equal(paginationQuerySchema.parse({ limit: '100' }).limit, 100);
  });
  test('refuses unknown orders', () => {
    assert.equal(paginationQuerySchema.safeParse({ order: 'sideways' }).success, false);
  });
});

describe('paginate', () => {
  test('walks every row exactly once forwards with after cursors, descending', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await paginate(paginationQuerySchema.parse({ limit: '10', after }), fetchPage);
      seen.push(...page.data.map((r) => r.id));
      if (!page.after) break;
      after = page.after;
    }
    assert.deepEqual(seen, [...ids].reverse());
  });

  test('walks ascending with order=asc and reports before on later pages', async () => {
    const first = await paginate(paginationQuerySchema.parse({ limit: '10', order: 'asc' }), fetchPage);
    assert.deepEqual(first.data.map((r) => r.id), ids.slice(0, 10));
    assert.equal(first.before, null);
    assert.equal(first.after, 'obj_09');
    const second = await paginate(paginationQuerySchema.parse({ limit: '10', order: 'asc', after: first.after! }), fetchPage);
    assert.deepEqual(second.data.map((r) => r.id), ids.slice(10, 20));
    assert.equal(second.before, 'obj_10');
  });

  test('a before cursor returns the page preceding it, in the requested order', async () => {
    const page = await paginate(paginationQuerySchema.parse({ limit: '5', order: 'asc', before: 'obj_10' }), fetchPage);
    assert.deepEqual(page.data.map((r) => r.id), ['obj_05', 'obj_06', 'obj_07', 'obj_08', 'obj_09']);
    assert.equal(page.before, 'obj_05');
    assert.equal(page.after, 'obj_09');
  });

  test('the last page has no after cursor', async () => {
    const page = await paginate(paginationQuerySchema.parse({ limit: '10', after: 'obj_05' }), fetchPage);
    assert.deepEqual(page.data.map((r) => r.id), ['obj_04', 'obj_03', 'obj_02', 'obj_01', 'obj_00']);
    assert.equal(page.after, null);
  });
});
