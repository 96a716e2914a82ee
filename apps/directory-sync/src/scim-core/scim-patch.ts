import { scimPatch, type ScimPatchOperation } from 'scim-patch';
import { parse, type Filter } from 'scim2-parse-filter';
import { ScimError } from './scim-errors';
import { assertSafeKeys, assertSafePath, bareObject } from './scim-keys';
import { memberIds } from './scim-user.mapping';
import { attr, isRecord, SCIM, scimBoolean, type ScimResource } from './scim-schemas';

/**
 * PATCH (RFC 7644 §3.5.2) with the quirks IdPs actually send. Framework-free.
 * Normalisation handles Entra ID's capitalised ops ("Replace"), path-less replace with dotted keys
 * ({"name.givenName": "x"}), string booleans ("False") and `remove` with a value list; the result
 * is applied with scim-patch. Group membership is split out so the service can apply it as set
 * operations on the membership table under a row lock instead of rewriting a members array.
 * No path or key may name __proto__, constructor or prototype (scim-keys.ts): they are refused
 * before anything is built, and the objects built here from input have no prototype.
 */
export interface NormalizedOp {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

export type MemberChange = { kind: 'add' | 'remove' | 'set'; ids: string[] } | { kind: 'clear' };

const MAX_OPERATIONS = 1000;

/** Validates the PatchOp envelope and normalises every operation. */
export function normalizePatch(body: unknown): NormalizedOp[] {
  if (!isRecord(body)) throw ScimError.badRequest('invalidSyntax', 'The request body must be a SCIM PatchOp message.');
  assertSafeKeys(body);
  const schemas = attr(body, 'schemas');
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(SCIM.patch))) {
    throw ScimError.badRequest('invalidSyntax', `"schemas" must contain ${SCIM.patch}.`);
  }
  const ops = attr(body, 'Operations');
  if (!Array.isArray(ops) || ops.length === 0) throw ScimError.badRequest('invalidSyntax', '"Operations" must be a non-empty array.');
  if (ops.length > MAX_OPERATIONS) throw ScimError.badRequest('tooMany', `At most ${MAX_OPERATIONS} operations per request.`);
  return ops.flatMap(normalizeOp);
}

function normalizeOp(raw: unknown): NormalizedOp[] {
  if (!isRecord(raw)) throw ScimError.badRequest('invalidSyntax', 'Each operation must be an object.');
  const opName = attr(raw, 'op');
  const op = typeof opName === 'string' ? opName.toLowerCase() : '';
  if (op !== 'add' && op !== 'replace' && op !== 'remove') throw ScimError.badRequest('invalidSyntax', `Unknown operation "${String(opName)}".`);
  const pathRaw = attr(raw, 'path');
  if (pathRaw !== undefined && pathRaw !== null && (typeof pathRaw !== 'string' || pathRaw.length > 1000)) throw ScimError.badRequest('invalidPath', '"path" must be a string.');
  const path = typeof pathRaw === 'string' && pathRaw.trim() !== '' ? pathRaw.trim() : undefined;
  if (path) assertSafePath(path);
  let value = attr(raw, 'value');

  if (op === 'remove') {
    if (!path) throw ScimError.badRequest('noTarget', 'A remove operation needs a "path".');
    // Entra: {"op":"Remove","path":"members","value":[{"value":"id"}]} removes just those values.
    if (Array.isArray(value) && value.length && !/\[/.test(path) && path.toLowerCase() !== 'members') {
      return value.map((v) => {
        const id = isRecord(v) ? attr(v, 'value') : v;
        if (typeof id !== 'string') throw ScimError.badRequest('invalidValue', 'Each value to remove must carry a string "value".');
        return { op: 'remove', path: `${path}[value eq ${JSON.stringify(id)}]` };
      });
    }
    return [{ op, path, value }];
  }
  if (value === undefined) throw ScimError.badRequest('invalidValue', `An ${op} operation needs a "value".`);
  if (!path) {
    if (!isRecord(value)) throw ScimError.badRequest('invalidValue', `A path-less ${op} needs an object "value".`);
    return pathOps(op, expandDottedKeys(value));
  }
  return [{ op, path, value: coerceBooleans(path, value) }];
}

/**
 * A path-less add or replace, as one operation per attribute with a path: sub-attributes of a
 * complex attribute the value does not name stay as they are (RFC 7644 §3.5.2.1, §3.5.2.3),
 * which applying the whole object at the root would not guarantee.
 */
function pathOps(op: 'add' | 'replace', value: Record<string, unknown>): NormalizedOp[] {
  const out: NormalizedOp[] = [];
  for (const [key, v] of Object.entries(value)) {
    // Okta repeats the read-only id in path-less group replaces; it changes nothing.
    if (/^(id|meta|schemas)$/i.test(key)) continue;
    const isUrn = /^urn:/i.test(key);
    if (isRecord(v) && Object.keys(v).length) {
      for (const [sub, subValue] of Object.entries(v)) out.push({ op, path: `${key}${isUrn ? ':' : '.'}${sub}`, value: coerceBooleans(sub, subValue) });
    } else {
      out.push({ op, path: key, value: coerceBooleans(key, v) });
    }
  }
  return out;
}

/**
 * {"name.givenName": "A", "urn:…:enterprise:2.0:User:manager.value": "x"} →
 * {"name": {"givenName": "A"}, "urn:…:enterprise:2.0:User": {"manager": {"value": "x"}}}.
 * A URN key's attribute path starts after its last colon (the URN itself contains dots).
 */
export function expandDottedKeys(value: Record<string, unknown>): Record<string, unknown> {
  const out = bareObject();
  for (const [key, v] of Object.entries(value)) {
    assertSafePath(key);
    let target = out;
    let rest = key;
    if (/^urn:/i.test(key)) {
      const known = [SCIM.enterprise, SCIM.user, SCIM.group].find((u) => key.toLowerCase().startsWith(`${u.toLowerCase()}:`));
      const urn = known ?? (key.includes(':') ? key.slice(0, key.lastIndexOf(':')) : key);
      rest = key.slice(urn.length + 1);
      if (urn === SCIM.user || urn === SCIM.group) {
        // Core attributes live at the top level.
      } else {
        target = (isRecord(out[urn]) ? out[urn] : (out[urn] = bareObject())) as Record<string, unknown>;
      }
      if (!rest) {
        if (isRecord(v)) Object.assign(target, expandDottedKeys(v));
        continue;
      }
    }
    const parts = rest.split('.');
    for (const p of parts.slice(0, -1)) target = (isRecord(target[p]) ? target[p] : (target[p] = bareObject())) as Record<string, unknown>;
    const last = parts[parts.length - 1]!;
    target[last] = isRecord(v) && isRecord(target[last]) ? Object.assign(bareObject(), target[last], v) : v;
  }
  return out;
}

/** "True"/"False" → booleans where the attribute is a boolean (active, primary). */
function coerceBooleans(path: string | undefined, value: unknown): unknown {
  const leaf = path?.split(/[.:\]]/).pop()?.toLowerCase();
  if ((leaf === 'active' || leaf === 'primary') && scimBoolean(value) !== undefined) return scimBoolean(value);
  if (Array.isArray(value)) return value.map((v) => coerceBooleans(undefined, v));
  if (!isRecord(value)) return value;
  const out = bareObject();
  for (const [k, v] of Object.entries(value)) {
    const lk = k.toLowerCase();
    out[k] = (lk === 'active' || lk === 'primary') && scimBoolean(v) !== undefined ? scimBoolean(v) : coerceBooleans(undefined, v);
  }
  return out;
}

/**
 * Applies normalised operations to a resource (never mutating it). Library errors become 400s.
 * scim-patch walks paths and value keys with plain property access, so every path and key is
 * checked here too, whoever built the operations.
 */
export function applyPatch(resource: ScimResource, ops: NormalizedOp[]): ScimResource {
  for (const o of ops) {
    if (o.path) assertSafePath(o.path);
    assertSafeKeys(o.value);
    if (o.path && /^(id|meta)(\.|$)/i.test(o.path)) throw ScimError.badRequest('mutability', `"${o.path}" is read-only.`);
  }
  const doc = { ...structuredClone(resource), meta: { created: new Date(0), lastModified: new Date(0) }, schemas: (resource.schemas as string[]) ?? [] };
  try {
    const patched = scimPatch(doc as never, ops as ScimPatchOperation[], { mutateDocument: true, treatMissingAsAdd: true }) as unknown as ScimResource;
    delete patched.meta;
    return patched;
  } catch (err) {
    const e = err as { scimCode?: string; message?: string };
    const type = (['noTarget', 'invalidPath', 'invalidValue', 'invalidSyntax', 'invalidFilter'] as const).find((t) => t === e.scimCode) ?? 'invalidValue';
    throw ScimError.badRequest(type, e.message || 'The patch could not be applied.');
  }
}

/**
 * Splits a group's operations into attribute operations (for applyPatch) and membership changes,
 * in request order. Only `members`, `members[value eq "…"]` (and `or` of such) and path-less
 * values with a `members` key touch membership.
 */
export function splitGroupPatch(ops: NormalizedOp[]): { attributeOps: NormalizedOp[]; memberChanges: MemberChange[] } {
  const attributeOps: NormalizedOp[] = [];
  const memberChanges: MemberChange[] = [];
  for (const o of ops) {
    const path = o.path?.toLowerCase();
    if (path === 'members') {
      if (o.op === 'remove') memberChanges.push(o.value === undefined || (Array.isArray(o.value) && !o.value.length) ? { kind: 'clear' } : { kind: 'remove', ids: memberIds(o.value) });
      else memberChanges.push({ kind: o.op === 'add' ? 'add' : 'set', ids: o.value === null ? [] : memberIds(o.value) });
    } else if (path?.startsWith('members[')) {
      if (o.op !== 'remove') throw ScimError.badRequest('invalidPath', 'Only remove may address members with a filter.');
      memberChanges.push({ kind: 'remove', ids: memberFilterIds(o.path!) });
    } else if (path?.startsWith('members.')) {
      throw ScimError.badRequest('invalidPath', `"${o.path}" cannot be patched.`);
    } else if (!o.path && isRecord(o.value) && Object.keys(o.value).some((k) => k.toLowerCase() === 'members')) {
      const { members, rest } = takeMembers(o.value);
      memberChanges.push({ kind: o.op === 'add' ? 'add' : 'set', ids: members === null ? [] : memberIds(members) });
      if (Object.keys(rest).length) attributeOps.push({ ...o, value: rest });
    } else {
      attributeOps.push(o);
    }
  }
  return { attributeOps, memberChanges };
}

function takeMembers(value: Record<string, unknown>): { members: unknown; rest: Record<string, unknown> } {
  const rest = bareObject();
  let members: unknown;
  for (const [k, v] of Object.entries(value)) {
    if (k.toLowerCase() === 'members') members = v;
    else rest[k] = v;
  }
  return { members, rest };
}

/** `members[value eq "a" or value eq "b"]` → ["a", "b"]. */
function memberFilterIds(path: string): string[] {
  const m = /^members\[(.*)\]$/is.exec(path);
  if (!m) throw ScimError.badRequest('invalidPath', `"${path}" is not a valid members path.`);
  let f: Filter;
  try {
    f = parse(m[1]!);
  } catch (err) {
    throw ScimError.badRequest('invalidFilter', `The members filter could not be parsed: ${(err as Error).message}`);
  }
  const ids: string[] = [];
  const walk = (x: Filter): void => {
    if (x.op === 'or') return x.filters.forEach(walk);
    if (x.op === 'eq' && x.attrPath.toLowerCase() === 'value' && typeof x.compValue === 'string') {
      ids.push(x.compValue);
      return;
    }
    throw ScimError.badRequest('invalidFilter', 'A members filter may only use value eq "…", joined with or.');
  };
  walk(f);
  return ids;
}
