import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { LocalFileExportStorage, type ExportStorage } from '../src/exports/export-storage.repository';
import { S3ExportStorage } from '../src/exports/s3-export-storage.repository';

async function text(stream: Readable | undefined): Promise<string | undefined> {
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/* The storage port's contract, run against both adapters: the local filesystem and S3 (an s3rver the test starts). */
describe('export storage adapters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-storage-'));
  let s3rver: S3rver;
  const adapters: [string, () => ExportStorage][] = [];

  before(async () => {
    s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 's3') });
    const { port } = (await s3rver.run()) as unknown as { port: number };
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    const endpoint = `http://127.0.0.1:${port}`;
    const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true });
    await admin.send(new CreateBucketCommand({ Bucket: 'audit-exports' }));
    admin.destroy();
    adapters.push(['local filesystem', () => new LocalFileExportStorage(join(dir, 'local'))]);
    adapters.push(['S3', () => new S3ExportStorage({ bucket: 'audit-exports', prefix: 'exports/', region: 'us-east-1', endpoint, forcePathStyle: true })]);
  });
  after(async () => {
    await s3rver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a file appears only when committed, whole, across multipart-sized writes', async () => {
    for (const [name, make] of adapters) {
      const storage = make();
      const upload = await storage.create('audit_log_export_1.csv');
      const lines = Array.from({ length: 70_000 }, (_, i) => `row ${i},${'x'.repeat(100)}\r\n`);
      for (const l of lines.slice(0, 1000)) await upload.write(l);
      assert.equal(await storage.open('audit_log_export_1.csv'), undefined, `${name}: invisible before commit`);
      for (const l of lines.slice(1000)) await upload.write(l);
      await upload.commit();
      assert.equal(await text(await storage.open('audit_log_export_1.csv')), lines.join(''), `${name}: 7.3 MB read back`);
    }
  });

  test('an aborted file never appears; a missing key is undefined; keys are bounded', async () => {
    for (const [name, make] of adapters) {
      const storage = make();
      const upload = await storage.create('audit_log_export_2.csv');
      await upload.write('half,a,file\r\n');
      await upload.abort();
      assert.equal(await storage.open('audit_log_export_2.csv'), undefined, `${name}: aborted`);
      assert.equal(await storage.open('audit_log_export_none.csv'), undefined, `${name}: missing`);
      await assert.rejects(storage.create('../escape.csv'), /invalid export key/, name);
    }
  });
});
