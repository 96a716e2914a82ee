import { templateSampleEventSchemas } from './template-sample';

/** The events admin-portal publishes on Topic.adminPortal. The template's sample until the service's domain replaces it. */
export const adminPortalEventSchemas = {
  ...templateSampleEventSchemas('admin_portal'),
} as const;
