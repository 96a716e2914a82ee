import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ExportStorage, ExportUpload } from './export-storage.repository';

export interface S3ExportStorageOptions {
  bucket: string;
  /** Key prefix inside the bucket, e.g. `audit-log-exports/`. */
  prefix: string;
  region: string;
  /** An S3-compatible server (MinIO, Ceph, R2); unset for AWS itself. */
  endpoint?: string;
  forcePathStyle: boolean;
}

/* Multipart parts: S3's minimum; one part is buffered per upload, so memory stays flat. */
const PART_SIZE = 5 * 1024 * 1024;

/**
 * The S3 adapter (Kubernetes: every replica reads what any replica wrote). A file is a
 * multipart upload that S3 shows under its key only when completed (`commit`); `abort` discards
 * the parts. Credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, a web identity token, an instance role).
 */
export class S3ExportStorage implements ExportStorage {
  private readonly s3: S3Client;

  constructor(private readonly opts: S3ExportStorageOptions) {
    this.s3 = new S3Client({ region: opts.region, forcePathStyle: opts.forcePathStyle, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
  }

  private key(key: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(key) || key.includes('..')) throw new Error(`invalid export key ${key}`);
    return `${this.opts.prefix}${key}`;
  }

  async create(key: string): Promise<ExportUpload> {
    const body = new PassThrough();
    const upload = new Upload({ client: this.s3, params: { Bucket: this.opts.bucket, Key: this.key(key), Body: body, ContentType: key.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/jsonl' }, partSize: PART_SIZE, queueSize: 1 });
    const done = upload.done();
    done.catch(() => undefined); // observed by commit; a failure also ends a wait for drain below
    return {
      write: async (chunk) => {
        if (!body.write(chunk)) await Promise.race([once(body, 'drain'), done]);
      },
      commit: async () => {
        body.end();
        await done;
      },
      abort: async () => {
        await upload.abort().catch(() => undefined);
        body.destroy();
        await done.catch(() => undefined);
      },
    };
  }

  async open(key: string): Promise<Readable | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.key(key) }));
      return res.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  close(): void {
    this.s3.destroy();
  }
}
