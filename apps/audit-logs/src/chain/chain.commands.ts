import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { apiClient, apiCommand, CliFailure, CliUsageError, EXIT, requireArg, requireOption, type CliCommand, type CliContext } from '@wos/platform/cli';
import type { ChainPublicJwk } from '../audit-core/chain';
import type { ChainEntry, ProofHeader, VerifyResult } from '../audit-core/chain-verify';

/*
 * `wos audit-logs verify` and `wos audit-logs fetch-export`. The verifier runs offline: it
 * reads the export's CSV, its chain proof and the signing keys from files, and needs neither
 * the service nor its database.
 */

async function readKeys(ctx: CliContext): Promise<ChainPublicJwk[]> {
  const file = ctx.options.keys as string | undefined;
  const url = ctx.options['keys-url'] as string | undefined;
  if (!file === !url) throw new CliUsageError('give exactly one of --keys FILE (a saved /audit_logs/chain/keys) or --keys-url URL');
  const jwks = file ? JSON.parse(readFileSync(file, 'utf8')) : await (await fetch(url!, { signal: AbortSignal.timeout(30_000) })).json();
  const keys = (jwks as { keys?: ChainPublicJwk[] }).keys;
  if (!Array.isArray(keys)) throw new CliFailure('the keys are not a JWKS ({"keys": [...]})');
  return keys;
}

async function verify(ctx: CliContext): Promise<number> {
  const { ChainVerifier } = require('../audit-core/chain-verify') as typeof import('../audit-core/chain-verify');
  const { parse } = require('csv-parse') as typeof import('csv-parse');
  const keys = await readKeys(ctx);
  const proofLines = createInterface({ input: createReadStream(requireOption(ctx, 'checkpoints')), crlfDelay: Infinity });
  let verifier: InstanceType<typeof ChainVerifier> | undefined;
  for await (const line of proofLines) {
    if (!line) continue;
    const value = JSON.parse(line) as ProofHeader | ChainEntry;
    if (!verifier) {
      if ((value as ProofHeader).object !== 'audit_log_chain_proof') throw new CliFailure('--checkpoints is not a chain proof (its first line must be the signed header)');
      verifier = new ChainVerifier(value as ProofHeader, keys);
    } else verifier.entry(value as ChainEntry);
  }
  if (!verifier) throw new CliFailure('--checkpoints is empty');
  // relax_column_count: a row with a wrong number of fields is reported, not a parse error.
  for await (const record of createReadStream(requireOption(ctx, 'export')).pipe(parse({ relax_column_count: true, bom: true }))) verifier.row(record as string[]);
  const r: VerifyResult = verifier.finish();
  ctx.result(r, () =>
    [
      r.ok ? `verified: ${r.rows} rows, chain positions ${r.span.from}..${r.span.to} link between signed checkpoints` : `NOT VERIFIED: ${r.problems.length} problem(s)`,
      ...r.problems.map((p) => `  - ${p}`),
      r.ok ? (r.complete ? '  complete: every event of the range is in the export' : '  filtered export: completeness is not proven for the filters') : '',
      r.ok && r.outsideRange ? `  ${r.outsideRange} chain entries lie outside the export's range` : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return r.ok ? EXIT.ok : EXIT.failure;
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: "prove that an export is complete and unaltered (offline; exit 1 when it is not)",
  options: {
    export: { type: 'string', value: 'FILE', description: "the export's CSV" },
    checkpoints: { type: 'string', value: 'FILE', description: "the export's chain proof (chain_proof_url): signed checkpoints and chain entries" },
    keys: { type: 'string', value: 'FILE', description: 'the signing keys, saved from /audit_logs/chain/keys' },
    'keys-url': { type: 'string', value: 'URL', description: 'or fetch them from there' },
  },
  details: 'Detects a row deleted, inserted, reordered or edited, in the file or in the database before the export.',
  run: verify,
};

export const fetchExportCommand = apiCommand(
  'fetch-export',
  'save a ready export, its chain proof and the signing keys into a directory',
  async (ctx) => {
    const id = requireArg(ctx, 0, 'EXPORT_ID');
    const dir = (ctx.options.dir as string | undefined) ?? '.';
    const api = apiClient(ctx);
    const exp = await api.call<{ state: string; url?: string; chain_proof_url?: string }>('GET', `/audit_logs/exports/${encodeURIComponent(id)}`);
    if (exp.state !== 'ready' || !exp.url || !exp.chain_proof_url) throw new CliFailure(`export ${id} is ${exp.state}, not ready`);
    const save = async (url: string, name: string) => {
      const res = await fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(600_000)]) });
      if (!res.ok) throw new CliFailure(`GET ${url} answered ${res.status}`);
      writeFileSync(join(dir, name), Buffer.from(await res.arrayBuffer()));
      return join(dir, name);
    };
    const files = {
      export: await save(exp.url, `${id}.csv`),
      checkpoints: await save(exp.chain_proof_url, `${id}.chain.jsonl`),
      keys: await save(`${api.baseUrl}/audit_logs/chain/keys`, 'audit-log-chain-keys.json'),
    };
    ctx.result(files, () => `saved ${files.export}, ${files.checkpoints} and ${files.keys}\nverify: wos audit-logs verify --export ${files.export} --checkpoints ${files.checkpoints} --keys ${files.keys}`);
  },
  { dir: { type: 'string', value: 'DIR', description: 'where to save the files (default: here)' } },
  'EXPORT_ID',
);
