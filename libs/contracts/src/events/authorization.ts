import { templateSampleEventSchemas } from './template-sample';

/** The events authorization publishes on Topic.authorization. The template's sample until the service's domain replaces it. */
export const authorizationEventSchemas = {
  ...templateSampleEventSchemas('authorization'),
} as const;
