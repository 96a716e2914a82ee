import type { DirectoryGroupWire, DirectoryUserWire, DirectoryUserWithGroupsWire } from '@wos/contracts';
import { bareObject } from '../scim-core/scim-keys';

/* Rows of directory_users and directory_groups (snake_case, as pg returns them) and their WorkOS wire forms. */

export interface UserRow {
  id: string;
  environment_id: string;
  directory_id: string;
  organization_id: string;
  idp_id: string;
  user_name: string;
  external_id: string | null;
  emails: string[];
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  state: 'active' | 'inactive' | 'suspended';
  custom_attributes: Record<string, unknown>;
  raw_attributes: Record<string, unknown>;
  roles: string[];
  created_at: Date;
  updated_at: Date;
}

export interface GroupRow {
  id: string;
  environment_id: string;
  directory_id: string;
  organization_id: string;
  idp_id: string;
  display_name: string;
  external_id: string | null;
  raw_attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function toUserWire(u: UserRow): DirectoryUserWire {
  return {
    object: 'directory_user',
    id: u.id,
    directory_id: u.directory_id,
    organization_id: u.organization_id,
    idp_id: u.idp_id,
    email: u.email,
    first_name: u.first_name,
    last_name: u.last_name,
    state: u.state,
    custom_attributes: u.custom_attributes,
    raw_attributes: u.raw_attributes,
    ...(u.roles.length ? { role: { slug: u.roles[0]! }, roles: u.roles.map((slug) => ({ slug })) } : {}),
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
  };
}

export function toGroupWire(g: GroupRow): DirectoryGroupWire {
  return {
    object: 'directory_group',
    id: g.id,
    idp_id: g.idp_id,
    directory_id: g.directory_id,
    organization_id: g.organization_id,
    name: g.display_name,
    raw_attributes: g.raw_attributes,
    created_at: iso(g.created_at),
    updated_at: iso(g.updated_at),
  };
}

export function toUserWithGroupsWire(u: UserRow & { groups: GroupRow[] }): DirectoryUserWithGroupsWire {
  return { ...toUserWire(u), groups: u.groups.map(toGroupWire) };
}

/**
 * `previous_attributes` of an update event: the old value of every changed top-level field, and
 * for the attribute maps the old value of each changed key (null where the key is new).
 */
export function previousAttributes(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const prev: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'updated_at') continue;
    const b = before[key];
    const a = after[key];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    if ((key === 'raw_attributes' || key === 'custom_attributes') && isObj(b) && isObj(a)) {
      // Keys come from IdP input: an object without a prototype keeps "__proto__" an ordinary key.
      const nested = bareObject();
      for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) if (JSON.stringify(b[k]) !== JSON.stringify(a[k])) nested[k] = b[k] ?? null;
      prev[key] = nested;
    } else {
      prev[key] = b ?? null;
    }
  }
  return prev;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
