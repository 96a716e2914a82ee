import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';

/**
 * Where export files live: the port. Invariant: a file is visible under its key only once it is
 * complete (`commit`), so a reader never sees half an export.
 */
export interface ExportStorage {
  /** Opens a new object; write lines, then commit (or abort). */
  create(key: string): Promise<ExportUpload>;
  open(key: string): Promise<Readable | undefined>;
}

export interface ExportUpload {
  write(chunk: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export const EXPORT_STORAGE = Symbol('EXPORT_STORAGE');

/** The local-filesystem adapter (one machine, or a shared volume): `<dir>/<key>`, written as `<key>.partial` then renamed. */
export class LocalFileExportStorage implements ExportStorage {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(key) || key.includes('..')) throw new Error(`invalid export key ${key}`);
    return join(this.dir, key);
  }

  async create(key: string): Promise<ExportUpload> {
    await mkdir(this.dir, { recursive: true });
    const final = this.path(key);
    const partial = `${final}.partial`;
    const out = createWriteStream(partial);
    await once(out, 'open');
    return {
      // Backpressure: wait for the buffer to drain, so memory stays flat however large the export.
      write: async (chunk) => {
        if (!out.write(chunk)) await once(out, 'drain');
      },
      commit: async () => {
        out.end();
        await once(out, 'finish');
        await rename(partial, final);
      },
      abort: async () => {
        // Writes still buffered fail once the stream is destroyed: nothing waits on them.
        out.on('error', () => undefined);
        out.destroy();
        await rm(partial, { force: true });
      },
    };
  }

  async open(key: string): Promise<Readable | undefined> {
    const path = this.path(key);
    try {
      await stat(path);
    } catch {
      return undefined;
    }
    return createReadStream(path);
  }
}
