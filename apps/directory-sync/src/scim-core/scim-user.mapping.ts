import { ScimError } from './scim-errors';
import { assertSafeKeys, bareObject } from './scim-keys';
import { attr, isRecord, SCIM, scimBoolean, type ScimResource } from './scim-schemas';

/** What a SCIM User resource maps to: the columns we filter on and WorkOS's directory_user fields. */
export interface MappedUser {
  userName: string;
  externalId: string | null;
  /** Every emails[].value, lowercased. */
  emails: string[];
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  state: 'active' | 'inactive';
  customAttributes: Record<string, unknown>;
  roles: string[];
  /** The resource as stored: without id, meta and password, with `active` as a JSON boolean. */
  raw: ScimResource;
}

export interface MappedGroup {
  displayName: string;
  externalId: string | null;
  raw: ScimResource;
}

const MAX_STRING = 2048;

function optionalString(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw ScimError.badRequest('invalidValue', `"${field}" must be a string.`);
  if (v.length > MAX_STRING) throw ScimError.badRequest('invalidValue', `"${field}" is too long.`);
  return v;
}

function requiredString(v: unknown, field: string): string {
  const s = optionalString(v, field);
  if (!s || !s.trim()) throw ScimError.badRequest('invalidValue', `"${field}" is required and must be a non-empty string.`);
  return s;
}

/**
 * Removes what the server owns (id, meta) and never stores (password), at the top level.
 * Refuses __proto__, constructor and prototype anywhere in the resource (scim-keys.ts).
 */
function storable(resource: ScimResource): ScimResource {
  assertSafeKeys(resource);
  const out = bareObject();
  for (const [k, v] of Object.entries(resource)) {
    const lk = k.toLowerCase();
    if (lk === 'id' || lk === 'meta' || lk === 'password') continue;
    out[k] = v;
  }
  return out;
}

export function mapScimUser(input: unknown): MappedUser {
  if (!isRecord(input)) throw ScimError.badRequest('invalidSyntax', 'The request body must be a SCIM User object.');
  const raw = storable(input);
  const userName = requiredString(attr(raw, 'userName'), 'userName').trim();
  const externalId = optionalString(attr(raw, 'externalId'), 'externalId');

  const activeRaw = attr(raw, 'active');
  const active = activeRaw === undefined || activeRaw === null ? true : scimBoolean(activeRaw);
  if (active === undefined) throw ScimError.badRequest('invalidValue', '"active" must be a boolean.');
  if (activeRaw !== undefined && activeRaw !== null) raw.active = active;

  const nameRaw = attr(raw, 'name');
  if (nameRaw !== undefined && nameRaw !== null && !isRecord(nameRaw)) throw ScimError.badRequest('invalidValue', '"name" must be an object.');
  const name = (nameRaw ?? {}) as Record<string, unknown>;

  const emailsRaw = attr(raw, 'emails') ?? [];
  if (!Array.isArray(emailsRaw) || !emailsRaw.every((e) => isRecord(e) && (attr(e, 'value') === undefined || typeof attr(e, 'value') === 'string'))) {
    throw ScimError.badRequest('invalidValue', '"emails" must be an array of objects with a string "value".');
  }
  const emailEntries = emailsRaw as Record<string, unknown>[];
  const values = emailEntries.map((e) => attr(e, 'value') as string | undefined).filter((v): v is string => !!v);
  const primary = emailEntries.find((e) => scimBoolean(attr(e, 'primary')) === true && typeof attr(e, 'value') === 'string');
  const email = (primary ? (attr(primary, 'value') as string) : values[0]) ?? (userName.includes('@') ? userName : null);

  const enterprise = (isRecord(raw[SCIM.enterprise]) ? raw[SCIM.enterprise] : {}) as Record<string, unknown>;
  const manager = attr(enterprise, 'manager');
  const custom: Record<string, unknown> = {};
  const put = (key: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') custom[key] = v;
  };
  put('username', userName);
  put('job_title', attr(raw, 'title'));
  put('department', attr(enterprise, 'department'));
  put('division', attr(enterprise, 'division'));
  put('cost_center', attr(enterprise, 'costCenter'));
  put('organization', attr(enterprise, 'organization'));
  put('employee_number', attr(enterprise, 'employeeNumber'));
  put('manager_id', isRecord(manager) ? attr(manager, 'value') : typeof manager === 'string' ? manager : undefined);

  return {
    userName,
    externalId,
    emails: [...new Set(values.map((v) => v.toLowerCase()))],
    email,
    firstName: optionalString(attr(name, 'givenName'), 'name.givenName'),
    lastName: optionalString(attr(name, 'familyName'), 'name.familyName'),
    state: active ? 'active' : 'inactive',
    customAttributes: custom,
    roles: mapRoles(attr(raw, 'roles')),
    raw,
  };
}

/** SCIM `roles` (multi-valued, RFC 7643 §4.1.2) → role slugs, the primary one first. */
export function mapRoles(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw ScimError.badRequest('invalidValue', '"roles" must be an array.');
  const entries = v.map((r) => (typeof r === 'string' ? { value: r } : isRecord(r) ? r : null));
  if (entries.some((r) => r === null)) throw ScimError.badRequest('invalidValue', '"roles" must hold objects or strings.');
  const sorted = [...(entries as Record<string, unknown>[])].sort((a, b) => Number(scimBoolean(attr(b, 'primary')) === true) - Number(scimBoolean(attr(a, 'primary')) === true));
  const slugs = sorted.map((r) => attr(r, 'value') ?? attr(r, 'display')).filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  return [...new Set(slugs.map((s) => s.trim()))];
}

export function mapScimGroup(input: unknown): MappedGroup & { members: string[] | undefined } {
  if (!isRecord(input)) throw ScimError.badRequest('invalidSyntax', 'The request body must be a SCIM Group object.');
  const raw = storable(input);
  const displayName = requiredString(attr(raw, 'displayName'), 'displayName').trim();
  const externalId = optionalString(attr(raw, 'externalId'), 'externalId');
  const membersRaw = attr(raw, 'members');
  for (const k of Object.keys(raw)) if (k.toLowerCase() === 'members') delete raw[k];
  return { displayName, externalId, raw, members: membersRaw === undefined || membersRaw === null ? undefined : memberIds(membersRaw) };
}

/** `[{value: id}, …]` → ids. */
export function memberIds(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  const ids = list.map((m) => (isRecord(m) ? attr(m, 'value') : typeof m === 'string' ? m : undefined));
  if (ids.some((id) => typeof id !== 'string' || !id)) throw ScimError.badRequest('invalidValue', 'Each member must be an object with a string "value".');
  return [...new Set(ids as string[])];
}
