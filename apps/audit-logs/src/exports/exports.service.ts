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
import { ChainService } from '../chain/chain.service';

/* The sealed download token is bound to this purpose, so no other sealed value opens as one. */
const DOWNLOAD_CONTEXT = 'audit-log-export-download:v1';
const PAGE = 1000;

interface DownloadToken {
  environment_id: string;
  export_id: string;
  /** The CSV, or its chain proof (absent in links issued before proofs existed: the CSV). */
  file?: 'csv' | 'proof';
  expires_at: number;
}

/* The proof sits beside the CSV in the storage. */
const proofKey = (csvKey: string) => csvKey.replace(/\.csv$/, '.chain.jsonl');

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
    private readonly chain: ChainService,
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
    const link = (file: 'csv' | 'proof') => {
      const token: DownloadToken = { environment_id: environmentId, export_id: id, file, expires_at: Date.now() + this.config.AUDIT_LOGS_EXPORT_URL_TTL_SECONDS * 1000 };
      return `${this.config.PUBLIC_BASE_URL}/audit_logs/downloads/${this.box.seal(JSON.stringify(token), DOWNLOAD_CONTEXT)}`;
    };
    return toAuditLogExportWire(row, link('csv'), link('proof'));
  }

  /**
   * Writes the export's CSV page by page, then its chain proof (ChainService.writeProof), both
   * up to the chain head read first; returns the number of events.
   */
  async run(environmentId: string, exportId: string, progress: (rows: number) => Promise<void>): Promise<number> {
    const row = await this.repo.find(environmentId, exportId);
    if (!row || row.state !== 'pending') return 0;
    const fileKey = `${row.id}.csv`;
    const head = await this.chain.head(environmentId, row.organizationId);
    let count = 0;
    await this.writeFile(fileKey, async (write) => {
      await write(csvHeader());
      let cursor: { occurredAt: Date; id: string } | undefined;
      for (;;) {
        const page = await this.repo.eventsPage(environmentId, row, head?.seq ?? 0, cursor, PAGE);
        for (const e of page) await write(csvLine(e, e.chainSeq));
        count += page.length;
        if (page.length < PAGE) break;
        const last = page[page.length - 1]!;
        cursor = { occurredAt: last.occurredAt, id: last.id };
        await progress(count);
      }
    });
    await this.writeFile(proofKey(fileKey), (write) => this.chain.writeProof(row, head, write));
    await this.repo.finish(environmentId, exportId, { state: 'ready', fileKey, rowCount: count });
    return count;
  }

  /** A storage file that appears only complete. */
  private async writeFile(key: string, body: (write: (chunk: string) => Promise<void>) => Promise<void>): Promise<void> {
    const upload = await this.storage.create(key);
    try {
      await body((chunk) => upload.write(chunk));
      await upload.commit();
    } catch (err) {
      await upload.abort();
      throw err;
    }
  }

  async fail(environmentId: string, exportId: string, error: string): Promise<void> {
    await this.repo.finish(environmentId, exportId, { state: 'error', error });
  }

  /** The file behind a download link, or 404 for a link that is forged, expired or names no ready export. */
  async download(token: string): Promise<{ id: string; file: 'csv' | 'proof'; stream: Readable }> {
    let t: DownloadToken;
    try {
      t = JSON.parse(this.box.openString(token, DOWNLOAD_CONTEXT)) as DownloadToken;
    } catch {
      throw new NotFoundError('an audit log export download', 'link');
    }
    if (!(t.expires_at > Date.now())) throw new NotFoundError('an audit log export download', 'link');
    const row = await this.repo.find(t.environment_id, t.export_id);
    const file = t.file ?? 'csv';
    const key = row?.state === 'ready' && row.fileKey ? (file === 'csv' ? row.fileKey : proofKey(row.fileKey)) : undefined;
    const stream = key ? await this.storage.open(key) : undefined;
    if (!stream) throw new NotFoundError('an audit log export download', 'link');
    return { id: t.export_id, file, stream };
  }

  /** Pending exports whose job may have been lost (never enqueued, or Redis flushed). */
  async requeueStale(before: Date): Promise<number> {
    const stale = await this.repo.pendingBefore(before);
    for (const s of stale) await this.enqueue(s.environmentId, s.id);
    return stale.length;
  }
}
