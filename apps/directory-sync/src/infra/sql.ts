import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

/** A pool (one statement, autocommit) or a client inside pgTransaction. */
export type Sql = Pool | PoolClient;

const names = new Map<string, string>();

/**
 * A named prepared statement for `text`: Postgres parses and plans it once per connection
 * instead of on every call (planning dominated the users page under load). The name is derived
 * from the text, so one name never stands for two statements; values stay parameters, so the
 * set of texts is bounded by the code's query shapes.
 */
export function prepared(text: string, values: unknown[]): { name: string; text: string; values: unknown[] } {
  let name = names.get(text);
  if (!name) {
    name = `ds_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return { name, text, values };
}
