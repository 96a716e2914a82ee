import { z } from 'zod';

const list = z.array(z.string().min(1).max(500)).max(50).optional();

/** `POST /audit_logs/exports` (SDK `createExport`): one organization, a range, optional filters. */
export const createExportBodySchema = z
  .strictObject({
    organization_id: z.string().regex(/^org_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an organization ID (org_…)'),
    range_start: z.iso.datetime({ offset: true }),
    range_end: z.iso.datetime({ offset: true }),
    actions: list,
    actor_names: list,
    actor_ids: list,
    /** Target types, as in WorkOS's example (`["team"]`). */
    targets: list,
  })
  .refine((b) => Date.parse(b.range_start) <= Date.parse(b.range_end), { path: ['range_end'], message: 'must not be before range_start' });
export type CreateExportBody = z.infer<typeof createExportBodySchema>;

export interface ExportFilters {
  actions?: string[];
  actor_names?: string[];
  actor_ids?: string[];
  targets?: string[];
}

export interface AuditLogExportRow {
  id: string;
  environmentId: string;
  organizationId: string;
  state: 'pending' | 'ready' | 'error';
  rangeStart: Date;
  rangeEnd: Date;
  filters: ExportFilters;
  fileKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const auditLogExportWireSchema = z.object({
  object: z.literal('audit_log_export'),
  id: z.string(),
  state: z.enum(['pending', 'ready', 'error']),
  url: z.string().optional(),
  /** Ours: the export's chain proof (JSON lines), for `wos audit-logs verify`. */
  chain_proof_url: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AuditLogExportWire = z.infer<typeof auditLogExportWireSchema>;

export function toAuditLogExportWire(row: AuditLogExportRow, url?: string, chainProofUrl?: string): AuditLogExportWire {
  return {
    object: 'audit_log_export',
    id: row.id,
    state: row.state,
    ...(url ? { url } : {}),
    ...(chainProofUrl ? { chain_proof_url: chainProofUrl } : {}),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
