import type { StoredGroup } from './groups.dto';

/** An authz_groups row as SQL returns it. */
export interface GroupRow {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

export const toStored = (r: GroupRow): StoredGroup => ({
  id: r.id,
  organizationId: r.organization_id,
  name: r.name,
  description: r.description,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
