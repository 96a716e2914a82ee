import { templateSampleEventSchemas } from './template-sample';

/** The events radar publishes on Topic.radar. The template's sample until the service's domain replaces it. */
export const radarEventSchemas = {
  ...templateSampleEventSchemas('radar'),
} as const;
