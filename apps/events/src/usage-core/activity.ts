/*
 * Which events make a user active in a month: WorkOS's pricing definition of a monthly active
 * user is a user who signs up, signs in or updates their profile in the calendar month.
 * No Nest, no I/O. The list is repeated in the usage migration's backfill (same types, same
 * user fields): change both or neither.
 */

/** Event type → where its user ID is, and why it counts. */
export const ACTIVITY_EVENTS = {
  // Signs up (also a user a directory provisions, or an admin creates: the user exists from then).
  'user.created': 'id',
  // Updates their profile (any change to the user object, including the last sign-in time).
  'user.updated': 'id',
  // Signs in: every sign-in that ends in a session, whatever the method.
  'session.created': 'user_id',
  // Signs in: successful authentications that name an AuthKit user (an SSO sign-in without
  // AuthKit has no user_id; SSO is billed per connection instead).
  'authentication.password_succeeded': 'user_id',
  'authentication.magic_auth_succeeded': 'user_id',
  'authentication.email_verification_succeeded': 'user_id',
  'authentication.mfa_succeeded': 'user_id',
  'authentication.sso_succeeded': 'user_id',
  'authentication.oauth_succeeded': 'user_id',
  'authentication.passkey_succeeded': 'user_id',
} as const satisfies Record<string, 'id' | 'user_id'>;

export type ActivityEventType = keyof typeof ACTIVITY_EVENTS;

export interface Activity {
  environmentId: string;
  userId: string;
  at: Date;
  /** The event type that made the user active. */
  reason: ActivityEventType;
}

/** An event as the projection sees it: its type, environment, payload `data` and time. */
export interface ProjectedEvent {
  id: string;
  environmentId: string;
  event: string;
  data: unknown;
  createdAt: string;
}

/* User IDs are `user_<ULID>`; anything else (null, a profile ID) is not an AuthKit user. */
const USER_ID = /^user_[0-9A-Za-z]{1,64}$/;

/**
 * The activity an event records, or null when it does not count. An impersonated session is an
 * administrator's action, not the user signing in, so it does not count.
 */
export function activityOf(e: ProjectedEvent): Activity | null {
  if (!Object.hasOwn(ACTIVITY_EVENTS, e.event)) return null;
  const reason = e.event as ActivityEventType;
  const data = e.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object') return null;
  if (reason === 'session.created' && data.impersonator) return null;
  const userId = data[ACTIVITY_EVENTS[reason]];
  const at = new Date(e.createdAt);
  if (typeof userId !== 'string' || !USER_ID.test(userId) || Number.isNaN(at.getTime())) return null;
  return { environmentId: e.environmentId, userId, at, reason };
}
