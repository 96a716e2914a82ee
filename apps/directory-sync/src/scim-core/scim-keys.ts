import { parse, type Filter } from 'scim2-parse-filter';
import { ScimError } from './scim-errors';

/**
 * Names that lead from a plain object to Object.prototype when used as property keys. Invariant:
 * no SCIM path segment and no key anywhere in a SCIM body equals one of them (compared
 * case-insensitively, as SCIM attribute names are), so neither our code nor scim-patch, which
 * splits paths and value keys on ".", ":" and "[" before walking them, can reach a prototype.
 * The check runs on words, so it holds whatever a library later splits on.
 */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

const shown = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** The first forbidden name among the words of `text` (a path, a filter, or a key). */
export function forbiddenName(text: string): string | undefined {
  for (const word of text.split(/[^A-Za-z0-9_$]+/)) if (FORBIDDEN.has(word.toLowerCase())) return word;
  return undefined;
}

/**
 * An operation path (`name.givenName`, `emails[type eq "work"].value`, `urn:…:manager`). The
 * quoted comparison values of a filter in brackets are data, not names (an address such as
 * "constructor@acme.com" is fine), so a bracket that parses as a filter is checked by its
 * attribute paths; everything else, including a bracket that does not parse, by all its words.
 */
export function assertSafePath(path: string): void {
  const names: string[] = [];
  const outside = path.replace(/\[([^\]]*)\]/g, (bracket, inner: string) => {
    const paths = filterAttributePaths(inner);
    if (!paths) return bracket;
    names.push(...paths);
    return '[]';
  });
  for (const name of [outside, ...names]) {
    const bad = forbiddenName(name);
    if (bad) throw ScimError.badRequest('invalidPath', `The path ${shown(path)} names ${shown(bad)}, which is not an attribute.`);
  }
}

/** The attribute paths a filter compares, or undefined when it does not parse. */
function filterAttributePaths(text: string): string[] | undefined {
  let filter: Filter;
  try {
    filter = parse(text);
  } catch {
    return undefined;
  }
  const out: string[] = [];
  const walk = (f: Filter): void => {
    if ('filters' in f) return f.filters.forEach(walk);
    if ('filter' in f) return walk(f.filter);
    out.push(f.attrPath);
    if ('valFilter' in f) walk(f.valFilter);
  };
  walk(filter);
  return out;
}

/**
 * Every key of `value`, at every depth. Iterative, so a deeply nested body cannot overflow the
 * stack; the body limit bounds the work.
 */
export function assertSafeKeys(value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length) {
    const v = pending.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const item of v) pending.push(item);
      continue;
    }
    for (const key of Object.keys(v)) {
      const bad = forbiddenName(key);
      if (bad) throw ScimError.badRequest('invalidValue', `The attribute name ${shown(key)} is not allowed (it contains ${shown(bad)}).`);
      pending.push((v as Record<string, unknown>)[key]);
    }
  }
}

/** A fresh object without a prototype: keys from input become own properties and nothing else. */
export function bareObject<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
