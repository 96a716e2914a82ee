import { ErrorCode, StandardResolutionReasons, type EvaluationContext, type ResolutionDetails } from '@openfeature/server-sdk';
import type { FlagPollEntry } from '@workos-inc/node';

/** Where the flag data of an evaluation came from: the push stream or the SDK's polling. */
export type FlagSource = 'stream' | 'poll';

/**
 * The WorkOS evaluation rule (the SDK's evaluator) with OpenFeature's details. The context's
 * `userId` (or, without it, `targetingKey`) names the user and `organizationId` the
 * organization. Reasons: DISABLED (the flag is off everywhere), TARGETING_MATCH (an enabled
 * target names the user or organization), STATIC (no targets at all, so every context gets the
 * default value), DEFAULT (targets exist, none matched), ERROR with FLAG_NOT_FOUND (no such slug:
 * the caller's default value). Variants are `on` and `off`.
 */
export function resolveBoolean(entry: FlagPollEntry | undefined, flagKey: string, defaultValue: boolean, context: EvaluationContext, meta: { source: FlagSource; version?: string }): ResolutionDetails<boolean> {
  const flagMetadata = { slug: flagKey, source: meta.source, ...(meta.version ? { version: meta.version } : {}) };
  if (!entry) {
    return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.FLAG_NOT_FOUND, errorMessage: `No feature flag with the slug ${flagKey}.`, flagMetadata };
  }
  const details = (value: boolean, reason: string): ResolutionDetails<boolean> => ({ value, variant: value ? 'on' : 'off', reason, flagMetadata: { ...flagMetadata, enabled: entry.enabled, defaultValue: entry.default_value } });
  if (!entry.enabled) return details(false, StandardResolutionReasons.DISABLED);
  const userId = stringOf(context.userId) ?? stringOf(context.targetingKey);
  const organizationId = stringOf(context.organizationId);
  const users = entry.targets.users.filter((t) => t.enabled);
  const organizations = entry.targets.organizations.filter((t) => t.enabled);
  if ((userId && users.some((t) => t.id === userId)) || (organizationId && organizations.some((t) => t.id === organizationId))) {
    return details(true, StandardResolutionReasons.TARGETING_MATCH);
  }
  const untargeted = !users.length && !organizations.length && !(entry.targets.custom_targets ?? []).some((t) => t.enabled);
  return details(entry.default_value, untargeted ? StandardResolutionReasons.STATIC : StandardResolutionReasons.DEFAULT);
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
