import { templateSampleEventSchemas } from './template-sample';

/** The events vault publishes on Topic.vault. The template's sample until the service's domain replaces it. */
export const vaultEventSchemas = {
  ...templateSampleEventSchemas('vault'),
} as const;
