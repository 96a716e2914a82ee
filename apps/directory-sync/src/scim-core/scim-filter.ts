import { escapeLike } from '@wos/platform';
import { parse, type Filter } from 'scim2-parse-filter';
import { ScimError } from './scim-errors';

/**
 * SCIM filter (RFC 7644 §3.4.2.2) → parameterised SQL. Framework-free. Only attributes in the
 * given map can be filtered; anything else is a 400 invalidFilter, never a 500, and values only
 * ever reach SQL as parameters.
 */
export type FilterColumn =
  /** A text column; `caseExact: false` compares lowercased (userName, displayName, emails). */
  | { kind: 'text'; sql: string; caseExact: boolean }
  /** A text[] column holding lowercased values (emails.value). */
  | { kind: 'text_array'; sql: string }
  /** A boolean expression (active). */
  | { kind: 'boolean'; sql: string };

export type FilterAttributes = Record<string, FilterColumn>;

export interface CompiledFilter {
  sql: string;
  params: unknown[];
}

const MAX_FILTER_LENGTH = 2000;
const MAX_NODES = 50;

export function parseScimFilter(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw ScimError.badRequest('invalidFilter', 'The filter is too long.');
  try {
    return parse(text);
  } catch (err) {
    throw ScimError.badRequest('invalidFilter', `The filter could not be parsed: ${(err as Error).message}`);
  }
}

/** Compiles `text` with parameters numbered from `firstParam` ($firstParam, $firstParam+1, ...). */
export function compileScimFilter(text: string, attributes: FilterAttributes, firstParam: number): CompiledFilter {
  const params: unknown[] = [];
  let nodes = 0;
  const param = (v: unknown) => {
    params.push(v);
    return `$${firstParam + params.length - 1}`;
  };
  const lookup = (path: string): FilterColumn => {
    const key = path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '').toLowerCase();
    const found = Object.entries(attributes).find(([k]) => k.toLowerCase() === key);
    if (!found) throw ScimError.badRequest('invalidFilter', `Filtering on the attribute "${path}" is not supported.`);
    return found[1];
  };

  const walk = (f: Filter, prefix = ''): string => {
    if (++nodes > MAX_NODES) throw ScimError.badRequest('invalidFilter', 'The filter has too many expressions.');
    switch (f.op) {
      case 'and':
      case 'or':
        return `(${f.filters.map((x) => walk(x, prefix)).join(f.op === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${walk(f.filter, prefix)})`;
      case '[]':
        // emails[value eq "x"] is emails.value eq "x".
        return walk(f.valFilter, `${prefix}${f.attrPath}.`);
      case 'pr':
        return present(lookup(prefix + f.attrPath));
      default:
        return compare(lookup(prefix + f.attrPath), f.op, f.compValue, f.attrPath);
    }
  };

  const present = (c: FilterColumn): string => {
    if (c.kind === 'text_array') return `cardinality(${c.sql}) > 0`;
    if (c.kind === 'boolean') return 'TRUE';
    return `(${c.sql} IS NOT NULL AND ${c.sql} <> '')`;
  };

  const compare = (c: FilterColumn, op: string, value: unknown, path: string): string => {
    if (c.kind === 'boolean') {
      const b = typeof value === 'string' ? value.toLowerCase() : value;
      if ((op !== 'eq' && op !== 'ne') || (b !== true && b !== false && b !== 'true' && b !== 'false')) {
        throw ScimError.badRequest('invalidFilter', `"${path}" accepts only eq or ne with true or false.`);
      }
      const want = b === true || b === 'true';
      return `(${c.sql}) ${op === 'eq' ? '=' : '<>'} ${want ? 'TRUE' : 'FALSE'}`;
    }
    if (typeof value !== 'string') throw ScimError.badRequest('invalidFilter', `"${path}" must be compared with a string.`);
    const lower = c.kind === 'text_array' || !c.caseExact;
    const v = lower ? value.toLowerCase() : value;
    const col = c.kind === 'text' && lower ? `lower(${c.sql})` : c.sql;
    const like = (pattern: string) => (c.kind === 'text_array' ? `EXISTS (SELECT 1 FROM unnest(${c.sql}) AS v WHERE v LIKE ${param(pattern)})` : `${col} LIKE ${param(pattern)}`);
    switch (op) {
      case 'eq':
        // Containment (@>) rather than = ANY, so a GIN index on the array can serve it.
        return c.kind === 'text_array' ? `${c.sql} @> ARRAY[${param(v)}]::text[]` : `${col} = ${param(v)}`;
      case 'ne':
        return c.kind === 'text_array' ? `NOT (${c.sql} @> ARRAY[${param(v)}]::text[])` : `${col} IS DISTINCT FROM ${param(v)}`;
      case 'co':
        return like(`%${escapeLike(v)}%`);
      case 'sw':
        return like(`${escapeLike(v)}%`);
      case 'ew':
        return like(`%${escapeLike(v)}`);
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le': {
        if (c.kind === 'text_array') throw ScimError.badRequest('invalidFilter', `"${op}" is not supported on "${path}".`);
        const sym = { gt: '>', ge: '>=', lt: '<', le: '<=' }[op];
        return `${col} ${sym} ${param(v)}`;
      }
      default:
        throw ScimError.badRequest('invalidFilter', `The operator "${op}" is not supported.`);
    }
  };

  return { sql: walk(parseScimFilter(text)), params };
}

/** LIKE patterns use the default escape character, backslash. */
