import type { Prisma } from '../generated/prisma/client';
import type { ConnectionWithDomains } from './connections.dto';

/** A `connections` row as pg returns it (SELECT *). */
export interface ConnectionRow {
  id: string;
  environment_id: string;
  organization_id: string | null;
  name: string;
  connection_type: string;
  protocol: string;
  state: string;
  settings: Prisma.JsonValue;
  sealed_secret: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The row in the shape Prisma gives (without the domains). */
export function fromRow(r: ConnectionRow): Omit<ConnectionWithDomains, 'domains'> {
  return {
    id: r.id,
    environmentId: r.environment_id,
    organizationId: r.organization_id,
    name: r.name,
    connectionType: r.connection_type,
    protocol: r.protocol,
    state: r.state,
    settings: r.settings,
    sealedSecret: r.sealed_secret,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
