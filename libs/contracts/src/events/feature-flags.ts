import { z } from 'zod';

/* Feature flags (WORKOS_API.md §18, §22), published by the organizations service on its topic. */

/** `feature_flag` wire object (the REST resource and every `flag.*` event's `data`). */
export const featureFlagSchema = z.object({
  object: z.literal('feature_flag'),
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  enabled: z.boolean(),
  default_value: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type FeatureFlagWire = z.infer<typeof featureFlagSchema>;

/** One entry of the runtime payload `GET /sdk/feature-flags` (the SDK's `FlagPollEntry`). */
export const flagPollEntrySchema = z.object({
  slug: z.string(),
  enabled: z.boolean(),
  default_value: z.boolean(),
  targets: z.object({
    users: z.array(z.object({ id: z.string(), enabled: z.boolean() })),
    organizations: z.array(z.object({ id: z.string(), enabled: z.boolean() })),
  }),
});
export type FlagPollEntryWire = z.infer<typeof flagPollEntrySchema>;

/** `flag.created|updated|deleted` carry the flag; `flag.rule_updated` the flag after a target change. */
export const featureFlagEventSchemas = {
  'flag.created': featureFlagSchema,
  'flag.updated': featureFlagSchema,
  'flag.deleted': featureFlagSchema,
  'flag.rule_updated': featureFlagSchema,
} as const;
