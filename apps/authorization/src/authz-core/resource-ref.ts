/**
 * A resource named in a request body or query: by its ID, or by its external ID and type within
 * the caller's organization. Exactly one form must be given; mixing them is ambiguous.
 */
export type ResourceRef = { id: string } | { externalId: string; typeSlug: string };

export interface ResourceRefFields {
  resource_id?: string;
  resource_external_id?: string;
  resource_type_slug?: string;
}

/** The reference, or the name of the rule the fields break. */
export function toResourceRef(f: ResourceRefFields): ResourceRef | { error: string } {
  const byId = f.resource_id !== undefined;
  const byExternal = f.resource_external_id !== undefined || f.resource_type_slug !== undefined;
  if (byId && byExternal) return { error: 'resource_id_or_external_id_not_both' };
  if (byId) return { id: f.resource_id! };
  if (f.resource_external_id === undefined || f.resource_type_slug === undefined) return { error: 'resource_reference_required' };
  return { externalId: f.resource_external_id, typeSlug: f.resource_type_slug };
}
