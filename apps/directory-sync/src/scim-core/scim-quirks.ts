/**
 * Known identity-provider habits a SCIM request shows (pure: no I/O). We accept each of them; the
 * request log names them so an IT admin can see them and, where it matters, fix them in the IdP
 * (the Admin Portal shows each with its fix, under `quirk.<name>`).
 */
export type ScimQuirk = 'capitalised_patch_ops' | 'string_booleans' | 'group_without_members';

const BOOLEAN_STRING = /^(true|false)$/i;

export function scimQuirks(method: string, path: string, body: unknown): ScimQuirk[] {
  const quirks = new Set<ScimQuirk>();
  const resource = /\/(Users|Groups)(?:\/|$|\?)/.exec(path)?.[1];
  const b = isObject(body) ? body : {};
  if (method === 'PATCH' && Array.isArray(b.Operations)) {
    for (const op of b.Operations.slice(0, 100)) {
      if (!isObject(op)) continue;
      // Entra sends "Replace", "Add", "Remove".
      if (typeof op.op === 'string' && op.op !== op.op.toLowerCase()) quirks.add('capitalised_patch_ops');
      const active = typeof op.path === 'string' && op.path.toLowerCase() === 'active' ? op.value : isObject(op.value) ? op.value.active : undefined;
      if (typeof active === 'string' && BOOLEAN_STRING.test(active)) quirks.add('string_booleans');
    }
  }
  if ((method === 'POST' || method === 'PUT') && resource === 'Users' && typeof b.active === 'string' && BOOLEAN_STRING.test(b.active)) quirks.add('string_booleans');
  // Okta's Push Groups creates the group first and sends members in later PATCHes (or never).
  if (method === 'POST' && resource === 'Groups' && !(Array.isArray(b.members) && b.members.length > 0)) quirks.add('group_without_members');
  return [...quirks];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
