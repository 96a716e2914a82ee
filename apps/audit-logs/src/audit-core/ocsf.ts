import { isIP } from 'node:net';
import type { AuditLogEventWire, AuditLogOcsf } from '@wos/contracts';

/**
 * Renders an audit-log event as OCSF 1.3.0 for `audit-logs.ocsf.v1`. Pure. The class follows
 * the action's words (WorkOS actions are free-form `noun.verb` strings, so this is a heuristic,
 * stated in docs/ARCHITECTURE.md and kept stable: a SIEM rule depends on it):
 * - sign-in and sign-out words → Authentication (3002): Logon (1), Logoff (2), else Other (99);
 * - a `user.` or `member.` action, or a password/MFA word → Account Change (3001): Create (1),
 *   Password Change (3), Password Reset (4), Delete (6), else Other (99);
 * - anything else → API Activity (6003): Create (1), Read (2), Update (3), Delete (4), else Other (99).
 * A word for failure (failed, denied, rejected, blocked) makes the status Failure, else Success.
 */
type Rendering = Pick<AuditLogOcsf, 'class_uid' | 'class_name' | 'category_uid' | 'category_name' | 'activity_id' | 'activity_name'>;

const words = (action: string) => action.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
const has = (w: string[], ...any: string[]) => any.some((a) => w.includes(a));

function classify(action: string): Rendering {
  const w = words(action);
  const joined = w.join('_');
  if (/(^|_)(sign(ed)?_?in|log(ged)?_?in|login|authenticat(e|ed|ion))(_|$)/.test(joined)) return auth(1, 'Logon');
  if (/(^|_)(sign(ed)?_?out|log(ged)?_?out|logout)(_|$)/.test(joined)) return auth(2, 'Logoff');
  if (has(w, 'session', 'sso', 'mfa_challenge')) return auth(99, 'Other');
  if (w[0] === 'user' || w[0] === 'member' || has(w, 'password', 'mfa', 'totp')) {
    if (has(w, 'password') && has(w, 'reset')) return account(4, 'Password Reset');
    if (has(w, 'password')) return account(3, 'Password Change');
    if (has(w, 'created', 'create', 'added', 'invited', 'provisioned')) return account(1, 'Create');
    if (has(w, 'deleted', 'delete', 'removed', 'deprovisioned')) return account(6, 'Delete');
    return account(99, 'Other');
  }
  if (has(w, 'created', 'create', 'added', 'uploaded')) return api(1, 'Create');
  if (has(w, 'viewed', 'read', 'downloaded', 'exported', 'accessed', 'listed')) return api(2, 'Read');
  if (has(w, 'updated', 'update', 'changed', 'edited', 'renamed', 'modified')) return api(3, 'Update');
  if (has(w, 'deleted', 'delete', 'removed', 'revoked')) return api(4, 'Delete');
  return api(99, 'Other');
}

const auth = (activity_id: number, activity_name: string): Rendering => ({ class_uid: 3002, class_name: 'Authentication', category_uid: 3, category_name: 'Identity & Access Management', activity_id, activity_name });
const account = (activity_id: number, activity_name: string): Rendering => ({ class_uid: 3001, class_name: 'Account Change', category_uid: 3, category_name: 'Identity & Access Management', activity_id, activity_name });
const api = (activity_id: number, activity_name: string): Rendering => ({ class_uid: 6003, class_name: 'API Activity', category_uid: 6, category_name: 'Application Activity', activity_id, activity_name });

const entity = (e: { id: string; type: string; name?: string }) => ({ uid: e.id, type: e.type, ...(e.name !== undefined ? { name: e.name } : {}) });

export function toOcsf(e: AuditLogEventWire, environmentId: string): AuditLogOcsf {
  const c = classify(e.action);
  const failed = has(words(e.action), 'failed', 'failure', 'denied', 'rejected', 'blocked');
  const userTarget = e.targets.find((t) => t.type === 'user');
  const targetMetadata = e.targets.map((t) => t.metadata ?? null);
  return {
    ...c,
    type_uid: c.class_uid * 100 + c.activity_id,
    type_name: `${c.class_name}: ${c.activity_name}`,
    time: Date.parse(e.occurred_at),
    severity_id: 1,
    severity: 'Informational',
    status_id: failed ? 2 : 1,
    status: failed ? 'Failure' : 'Success',
    message: e.action,
    metadata: {
      version: '1.3.0',
      uid: e.id,
      tenant_uid: e.organization_id,
      product: { name: 'wos-platform Audit Logs', vendor_name: 'wos-platform' },
      logged_time: Date.parse(e.created_at),
      log_name: 'audit-logs.ocsf.v1',
    },
    actor: { user: entity(e.actor) },
    ...(c.class_uid !== 6003 ? { user: entity(userTarget ?? e.actor) } : { api: { operation: e.action } }),
    resources: e.targets.map(entity),
    ...(isIP(e.context.location) ? { src_endpoint: { ip: e.context.location } } : {}),
    ...(e.context.user_agent ? { http_request: { user_agent: e.context.user_agent } } : {}),
    unmapped: {
      action: e.action,
      version: e.version,
      location: e.context.location,
      environment_id: environmentId,
      ...(e.actor.metadata ? { actor_metadata: e.actor.metadata } : {}),
      ...(targetMetadata.some(Boolean) ? { target_metadata: targetMetadata } : {}),
      ...(e.metadata ? { metadata: e.metadata } : {}),
    },
  };
}
