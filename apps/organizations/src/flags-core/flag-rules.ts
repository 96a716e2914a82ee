import { createHash } from 'node:crypto';
import type { FlagPollEntryWire } from '@wos/contracts';

/*
 * Feature-flag rules without Nest or I/O. Evaluation mirrors the official SDK's evaluator
 * (src/feature-flags/evaluator.ts), so the server's lists, the token claim and the SDK's local
 * answers agree: a disabled flag is off; an enabled flag is on for a matching enabled target;
 * otherwise it has its default_value.
 */

/** Lowercase words joined by single `-` or `_` ("advanced-analytics"), at most 128 characters. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
export const SLUG_MAX = 128;

export function isSlug(s: string): boolean {
  return s.length <= SLUG_MAX && SLUG_PATTERN.test(s);
}

export type TargetType = 'user' | 'organization';
const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const TARGET_ID = new RegExp(`^(user|org)_${ULID}$`);

/** The kind of a target ID (`user_<ULID>` or `org_<ULID>`), or undefined for anything else. */
export function targetTypeOf(id: string): TargetType | undefined {
  const m = TARGET_ID.exec(id);
  if (!m) return undefined;
  return m[1] === 'user' ? 'user' : 'organization';
}

/** A flag's state as evaluation needs it. */
export interface FlagState {
  slug: string;
  enabled: boolean;
  defaultValue: boolean;
  users: readonly string[];
  organizations: readonly string[];
}

/** The SDK evaluator's answer for a context of at most one user and one organization. */
export function isOn(flag: FlagState, ctx: { userId?: string; organizationId?: string }): boolean {
  if (!flag.enabled) return false;
  if (ctx.userId && flag.users.includes(ctx.userId)) return true;
  if (ctx.organizationId && flag.organizations.includes(ctx.organizationId)) return true;
  return flag.defaultValue;
}

/** The runtime payload the SDK's runtime client polls: slug → entry, every target enabled. */
export function runtimePayload(flags: readonly FlagState[]): Record<string, FlagPollEntryWire> {
  const out: Record<string, FlagPollEntryWire> = {};
  for (const f of flags) {
    out[f.slug] = {
      slug: f.slug,
      enabled: f.enabled,
      default_value: f.defaultValue,
      targets: {
        users: f.users.map((id) => ({ id, enabled: true })),
        organizations: f.organizations.map((id) => ({ id, enabled: true })),
      },
    };
  }
  return out;
}

/**
 * The strong ETag of one environment's payload: its flag state version and a digest of the exact
 * bytes, so two replicas (or a replica before and after a restart) never give the same tag to
 * different bodies.
 */
export function payloadEtag(version: bigint | number, body: Buffer): string {
  return `"${version}-${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/** True when an If-None-Match header names this ETag (a list, or `*`); weak tags never match a strong one. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim() === etag);
}
