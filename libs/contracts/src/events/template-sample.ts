import { z } from 'zod';

/**
 * The service template's sample aggregate (`nx g @wos/platform:service`): a placeholder that shows a
 * new service's wiring end to end (a write and its event through the outbox, a consumer through
 * the inbox) until the service's own domain replaces it. These types are never released:
 * registry.spec.ts keeps them out of the schema snapshot, so a service may drop them.
 */
export const templateSampleSchema = z.object({
  object: z.literal('template_sample'),
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  created_at: z.string(),
});
export type TemplateSampleWire = z.infer<typeof templateSampleSchema>;

export type TemplateSampleEventType<S extends string> = `${S}.template_sample.created` | `${S}.template_sample.deleted`;

/** `<service>.template_sample.created|deleted`, published on the service's own topic. */
export function templateSampleEventSchemas<S extends string>(service: S): Record<TemplateSampleEventType<S>, typeof templateSampleSchema> {
  return {
    [`${service}.template_sample.created`]: templateSampleSchema,
    [`${service}.template_sample.deleted`]: templateSampleSchema,
  } as Record<TemplateSampleEventType<S>, typeof templateSampleSchema>;
}

export function isTemplateSampleEvent(type: string): boolean {
  return /\.template_sample\.[a-z_]+$/.test(type);
}
