import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Queue } from 'bullmq';
import { hasIdShape } from '@wos/contracts';
import { InjectQueue, newId, NotFoundError, QueueName, SecretBox } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';
import { csvHeader, csvLine } from '../audit-core/export-csv';
import { EXPORT_STORAGE, type ExportStorage } from './export-storage.repository';
import { toAuditLogExportWire, type AuditLogExportRow, type AuditLogExportWire, type CreateExportBody } from './exports.dto';
import { ExportsRepository } from './exports.repository';

/* The sealed download token is bound to this purpose, so no other sealed value opens as one. */
const DOWNLOAD_CONTEXT = 'audit-log-export-download:v1';
const PAGE = 1000;

interface DownloadToken {
  environment_id: string;
  export_id: string;
  expires_at: number;
}

/**
 * Exports. Invariants: an export reads only its environment's and organization's events; its
 * file appears in storage only complete; a download link is a token sealed with the service's
 * key (AES-256-GCM, SECRET_ENCRYPTION_KEYS) naming the environment, the export and an expiry,
 * so it can be neither forged nor stretched, and each getExport issues a fresh one.
 */
@Injectable()
export class ExportsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EXPORT_STORAGE) private readonly storage: ExportStorage,
    @InjectQueue(QueueName.AuditLogsExports) private readonly queue: Queue,
    private readonly repo: ExportsRepository,
    private readonly box: SecretBox,
  ) {}

  async create(environmentId: string, body: CreateExportBody): Promise<AuditLogExportWire> {
    const now = new Date();
    const row: AuditLogExportRow = {
      id: newId('audit_log_export'),
      environmentId,
      organizationId: body.organization_id,
      state: 'pending',
      rangeStart: new Date(body.range_start),
      rangeEnd: new Date(body.range_end),
      filters: { actions: body.actions, actor_names: body.actor_names, actor_ids: body.actor_ids, targets: body.targets },
      fileKey: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.create(row);
    // After the commit; a job lost here is enqueued again by maintenance (the job ID dedupes).
    await this.enqueue(environmentId, row.id);
    return toAuditLogExportWire(row);
  }

  enqueue(environmentId: string, exportId: string): Promise<unknown> {
    return this.queue.add('export', { environmentId, exportId }, { jobId: exportId, attempts: 3, backoff: { type: 'exponential', delay: 1000 } });
  }

  async get(environmentId: string, id: string): Promise<AuditLogExportWire> {
    const row = hasIdShape(id, 'audit_log_export') ? await this.repo.find(environmentId, id) : undefined;
    if (!row) throw new NotFoundError('an audit log export', id);
    if (row.state !== 'ready') return toAuditLogExportWire(row);
    const token: DownloadToken = { environment_id: environmentId, export_id: id, expires_at: Date.now() + this.config.AUDIT_LOGS_EXPORT_URL_TTL_SECONDS * 1000 };
    const sealed = this.box.seal(JSON.stringify(token), DOWNLOAD_CONTEXT);
    return toAuditLogExportWire(row, `${this.config.PUBLIC_BASE_URL}/audit_logs/downloads/${sealed}`);
  }

  /** Writes the export's CSV page by page; returns the number of events. */
  async run(environmentId: string, exportId: string, progress: (rows: number) => Promise<void>): Promise<number> {
    const row = await this.repo.find(environmentId, exportId);
    if (!row || row.state !== 'pending') return 0;
    const fileKey = `${row.id}.csv`;
    const upload = await this.storage.create(fileKey);
    let count = 0;
    try {
      await upload.write(csvHeader());
      let cursor: { occurredAt: Date; id: string } | undefined;
      for (;;) {
        const page = await this.repo.eventsPage(environmentId, row, cursor, PAGE);
        for (const e of page) await upload.write(csvLine(e));
        count += page.length;
        if (page.length < PAGE) break;
        const last = page[page.length - 1]!;
        cursor = { occurredAt: last.occurredAt, id: last.id };
        await progress(count);
      }
      await upload.commit();
    } catch (err) {
      await upload.abort();
      throw err;
    }
    await this.repo.finish(environmentId, exportId, { state: 'ready', fileKey, rowCount: count });
    return count;
  }

  async fail(environmentId: string, exportId: string, error: string): Promise<void> {
    await this.repo.finish(environmentId, exportId, { state: 'error', error });
  }

  /** The file behind a download link, or 404 for a link that is forged, expired or names no ready export. */
  async download(token: string): Promise<{ id: string; stream: Readable }> {
    let t: DownloadToken;
    try {
      t = JSON.parse(this.box.openString(token, DOWNLOAD_CONTEXT)) as DownloadToken;
    } catch {
      throw new NotFoundError('an audit log export download', 'link');
    }
    if (!(t.expires_at > Date.now())) throw new NotFoundError('an audit log export download', 'link');
    const row = await this.repo.find(t.environment_id, t.export_id);
    const stream = row?.state === 'ready' && row.fileKey ? await this.storage.open(row.fileKey) : undefined;
    if (!stream) throw new NotFoundError('an audit log export download', 'link');
    return { id: t.export_id, stream };
  }

  /** Pending exports whose job may have been lost (never enqueued, or Redis flushed). */
  async requeueStale(before: Date): Promise<number> {
    const stale = await this.repo.pendingBefore(before);
    for (const s of stale) await this.enqueue(s.environmentId, s.id);
    return stale.length;
  }
}
