import type { AuditLogEventWire } from '@wos/contracts';

/**
 * What each log-stream destination receives for one batch of an organization's events, in
 * chain order. Pure. Every event is the SIEM topic's `audit_log_event` object, so one parser
 * serves the topic and every stream; receivers deduplicate on its `id` (delivery is at least
 * once).
 */
export type StreamType = 'datadog' | 'splunk' | 'https' | 's3';

export interface HttpBatch {
  body: string;
  contentType: string;
}

/** Datadog's HTTP logs intake (v2): a JSON array of log entries, at most 1,000 per request. */
export function datadogBatch(events: AuditLogEventWire[], opts: { service: string; tags?: string }): HttpBatch {
  const entries = events.map((e) => ({
    ddsource: 'wos-audit-logs',
    service: opts.service,
    hostname: 'wos-audit-logs',
    ddtags: [`organization_id:${e.organization_id}`, `action:${e.action}`, ...(opts.tags ? [opts.tags] : [])].join(','),
    date: e.occurred_at,
    message: e.action,
    audit_log_event: e,
  }));
  return { body: JSON.stringify(entries), contentType: 'application/json' };
}

/** Splunk's HTTP Event Collector (`/services/collector/event`): one JSON event object per line. */
export function splunkBatch(events: AuditLogEventWire[], opts: { index?: string; sourcetype: string }): HttpBatch {
  const lines = events.map((e) =>
    JSON.stringify({
      time: Date.parse(e.occurred_at) / 1000,
      host: 'wos-audit-logs',
      source: 'wos:audit-logs',
      sourcetype: opts.sourcetype,
      ...(opts.index ? { index: opts.index } : {}),
      event: e,
    }),
  );
  return { body: lines.join('\n'), contentType: 'application/json' };
}

/** A generic HTTPS endpoint: a WorkOS list envelope, signed with the stream's secret (WorkOS-Signature). */
export function httpsBatch(events: AuditLogEventWire[]): HttpBatch {
  return { body: JSON.stringify({ object: 'list', data: events }), contentType: 'application/json' };
}

/** S3: one object of JSON lines per batch, named by organization, day of the first event, and chain positions. */
export function s3Batch(events: AuditLogEventWire[], fromSeq: number, toSeq: number, prefix: string): { key: string; body: string } {
  const first = events[0]?.occurred_at ?? new Date().toISOString();
  const day = first.slice(0, 10).replace(/-/g, '/');
  const org = events[0]?.organization_id ?? 'none';
  const pad = (n: number) => String(n).padStart(12, '0');
  return { key: `${prefix}${org}/${day}/${pad(fromSeq)}-${pad(toSeq)}.jsonl`, body: events.map((e) => JSON.stringify(e)).join('\n') + '\n' };
}

/** Delay before the next attempt after `failures` consecutive failures: doubling from `baseMs`, capped. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, failures - 1)));
}
