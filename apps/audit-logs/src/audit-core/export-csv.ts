import { canonicalJson } from './chain';

/**
 * The export's CSV: one header line, then one line per event, oldest first (RFC 4180: CRLF line
 * ends, fields quoted when they hold a comma, quote or line break). Objects (metadata, targets)
 * are JSON in one field, keys sorted (canonicalJson). The first twelve cells are what the hash
 * chain digests (eventDigest); `chain_seq` is the event's place in its organization's chain
 * (empty for an event stored before the chain). Pure.
 */
export const EVENT_COLUMNS = [
  'id',
  'occurred_at',
  'action',
  'version',
  'actor_id',
  'actor_type',
  'actor_name',
  'actor_metadata',
  'targets',
  'location',
  'user_agent',
  'metadata',
] as const;

export const EXPORT_COLUMNS = [...EVENT_COLUMNS, 'chain_seq'] as const;

export interface ExportableEvent {
  id: string;
  occurredAt: Date;
  action: string;
  version: number | null;
  actor: { id: string; type: string; name?: string; metadata?: Record<string, unknown> };
  targets: unknown[];
  context: { location: string; user_agent?: string };
  metadata: Record<string, unknown> | null;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const json = (v: unknown) => (v === undefined || v === null ? '' : canonicalJson(v));

export function csvHeader(): string {
  return `${EXPORT_COLUMNS.join(',')}\r\n`;
}

/** The event's twelve cells (EVENT_COLUMNS), unquoted. */
export function eventCells(e: ExportableEvent): string[] {
  return [
    e.id,
    e.occurredAt.toISOString(),
    e.action,
    e.version === null ? '' : String(e.version),
    e.actor.id,
    e.actor.type,
    e.actor.name ?? '',
    json(e.actor.metadata),
    json(e.targets),
    e.context.location,
    e.context.user_agent ?? '',
    json(e.metadata),
  ];
}

export function csvLine(e: ExportableEvent, chainSeq: number | null): string {
  return [...eventCells(e), chainSeq === null ? '' : String(chainSeq)].map(csvField).join(',') + '\r\n';
}
