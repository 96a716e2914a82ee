import { CliFailure, CliUsageError, table, type CliCommand, type CliGroup } from './command';
import { databaseUrlOf, databaseUrlOption } from './dead-letters.command';
import type { ResealReport, SealedColumn } from '../crypto/reseal';

/**
 * `wos secrets <service> status|reseal`: after a SecretBox key rotation (a new key listed first,
 * the old one kept after it to open what it sealed), re-seals the service's stored secrets under
 * the new key, so the old key can be dropped once `status` shows nothing stale. Run it with the
 * service's own SECRET_ENCRYPTION_KEYS (its pod's environment), or with the root value and
 * `--from-root`, which derives the service's keys as the run command does. `columns` is loaded
 * inside `run`, so `wos --help` never loads service code.
 */
export function secretsCommand(service: string, columns: () => readonly SealedColumn[]): CliCommand {
  return {
    name: service,
    summary: `${service}'s sealed secrets: status (values per key id), reseal (under the current key)`,
    args: 'status | reseal',
    options: {
      'database-url': databaseUrlOption(service),
      'from-root': { type: 'boolean', description: `SECRET_ENCRYPTION_KEYS is the root value: derive ${service}'s keys from it (the root keys open too, as in development)` },
      batch: { type: 'string', value: 'N', description: 'reseal: rows per read (default 500)' },
    },
    details: [
      'Keys come from $SECRET_ENCRYPTION_KEYS: the first key seals, every listed key opens.',
      'status: each sealed column, its values counted by the key id that sealed them, and how many are stale.',
      'reseal: every stale value opened and sealed again under the first key; a value a writer changed meanwhile',
      'is left as written, a value that does not open is left untouched and named. Exit 1 when any did not open.',
      'Values kept in Redis (sign-in flows, idempotent replies) are not re-sealed: they expire within 24 hours.',
    ].join('\n'),
    async run(ctx) {
      const action = ctx.positionals[0];
      if (action !== 'status' && action !== 'reseal') throw new CliUsageError('say status or reseal');
      const batch = ctx.options.batch === undefined ? 500 : Number(ctx.options.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new CliUsageError('--batch must be an integer from 1 to 10000');
      const keys = ctx.env.SECRET_ENCRYPTION_KEYS;
      if (!keys) throw new CliUsageError(`SECRET_ENCRYPTION_KEYS is not set: run with ${service}'s environment`);
      const { SecretBox } = require('../crypto/secret-box') as typeof import('../crypto/secret-box');
      const { deriveSecretEncryptionKeys } = require('../crypto/service-keys') as typeof import('../crypto/service-keys');
      const { resealColumn, sealedColumnStatus } = require('../crypto/reseal') as typeof import('../crypto/reseal');
      const { Pool } = require('pg') as typeof import('pg');
      let box;
      try {
        box = SecretBox.fromConfig(ctx.options['from-root'] ? deriveSecretEncryptionKeys(keys, service, { keepRootForDecrypt: true }) : keys);
      } catch (err) {
        throw new CliUsageError(`SECRET_ENCRYPTION_KEYS: ${(err as Error).message}`);
      }
      const pool = new Pool({ connectionString: databaseUrlOf(ctx, service), max: 1 });
      try {
        if (action === 'status') {
          const status = await sealedColumnStatus(pool, box, columns());
          ctx.result({ sealing_key_id: box.sealingKeyId, columns: status }, () =>
            table([['TABLE', 'COLUMN', 'VALUES BY KEY ID', 'STALE'], ...status.map((s) => [s.table, s.column, Object.entries(s.kids).map(([k, n]) => `${k}: ${n}`).join(', ') || '-', String(s.stale)])]),
          );
          return;
        }
        const reports: ResealReport[] = [];
        for (const c of columns()) reports.push(await resealColumn(pool, box, c, batch));
        ctx.result({ sealing_key_id: box.sealingKeyId, columns: reports }, () =>
          [
            table([['TABLE', 'COLUMN', 'RESEALED', 'CHANGED MEANWHILE', 'DID NOT OPEN'], ...reports.map((r) => [r.table, r.column, String(r.resealed), String(r.changed), String(r.failed)])]),
            ...reports.flatMap((r) => r.failures.map((f) => `${r.table}.${r.column} ${f.key}: ${f.error}`)),
          ].join('\n'),
        );
        if (reports.some((r) => r.failed)) throw new CliFailure(`${reports.reduce((n, r) => n + r.failed, 0)} value(s) did not open; they still need their old key`);
      } finally {
        await pool.end();
      }
    },
  };
}

/** The shared `secrets` group with this service's command; each service that seals stored values adds it. */
export function secretsGroup(service: string, columns: () => readonly SealedColumn[]): CliGroup {
  return { name: 'secrets', summary: "each service's stored secrets after a key rotation: status, reseal", commands: [secretsCommand(service, columns)] };
}
