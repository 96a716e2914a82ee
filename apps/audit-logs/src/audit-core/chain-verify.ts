import { canonicalJson, checkpointIsValid, CHAIN_FORMAT, eventDigest, linkHash, verifyMessage, type ChainPublicJwk, type Checkpoint } from './chain';
import { EVENT_COLUMNS, EXPORT_COLUMNS } from './export-csv';

/**
 * The offline verifier's rules (`wos audit-logs verify`). Pure: the CLI reads the files.
 *
 * An export comes with its chain proof: a header signed by the service (the export's
 * organization, range and filters, and two checkpoints that bracket every exported event) and
 * the chain entries between them (position, occurred_at, digest, hash). Verification proves:
 * - the entries link from the start checkpoint to the end checkpoint (nothing inserted,
 *   removed, reordered or edited in the chain since those checkpoints were signed);
 * - every CSV row is the entry its `chain_seq` names (digest of its cells), once, in export order;
 * - completeness: every entry whose occurred_at is in the export's range is in the CSV, unless
 *   the export was filtered (then the result says completeness is not proven).
 */

export interface ChainEntry {
  seq: number;
  occurred_at: string;
  /** hex */
  digest: string;
  /** hex */
  hash: string;
}

export interface ProofHeader {
  object: 'audit_log_chain_proof';
  format: typeof CHAIN_FORMAT;
  export_id: string;
  environment_id: string;
  organization_id: string;
  range_start: string;
  range_end: string;
  /** As the export was requested; any non-empty filter means completeness cannot be proven. */
  filters: Partial<Record<'actions' | 'actor_names' | 'actor_ids' | 'targets', string[]>>;
  start: Checkpoint;
  end: Checkpoint;
  created_at: string;
  key_id: string;
  /** Ed25519 over proofHeaderMessage, base64url. */
  signature: string;
}

export function proofHeaderMessage(h: Omit<ProofHeader, 'signature'> | ProofHeader): Buffer {
  const { signature: _omit, ...signed } = h as ProofHeader;
  return Buffer.from(`${CHAIN_FORMAT}\nproof\n${canonicalJson(signed)}`);
}

export interface VerifyInput {
  /** The CSV's records, header first, as parsed (cells unquoted). */
  csv: string[][];
  header: ProofHeader;
  entries: ChainEntry[];
  keys: readonly ChainPublicJwk[];
}

export interface VerifyResult {
  ok: boolean;
  /** Each tamper or inconsistency found, at most MAX_PROBLEMS. */
  problems: string[];
  rows: number;
  span: { from: number; to: number };
  /** Chain entries between the checkpoints that are not in the CSV because they lie outside the range. */
  outsideRange: number;
  /** True when every in-range entry is in the CSV and the export was not filtered. */
  complete: boolean;
}

const MAX_PROBLEMS = 50;
const SEQ_COL = EVENT_COLUMNS.length;

/**
 * Streaming form, for exports of millions of rows: `entry()` for each proof entry in file
 * order, then `row()` for each CSV record (header first), then `finish()`. Memory holds one
 * digest per entry, never the CSV.
 */
export class ChainVerifier {
  private readonly problems: string[] = [];
  private readonly digests = new Map<number, { digest: string; occurredAt: number; seen: boolean }>();
  private broken = false;
  private previous: Buffer;
  private expected: number;
  private rows = 0;
  private header?: string[];
  private last?: [string, string];

  constructor(
    private readonly proof: ProofHeader,
    keys: readonly ChainPublicJwk[],
  ) {
    const key = keys.find((k) => k.kid === proof.key_id);
    if (!key || !verifyMessage(key, proofHeaderMessage(proof), proof.signature)) this.fail('the proof header is not signed by a known key');
    for (const [name, c] of [['start', proof.start], ['end', proof.end]] as const) {
      if (c.environment_id !== proof.environment_id || c.organization_id !== proof.organization_id) this.fail(`the ${name} checkpoint belongs to another organization`);
      if (!checkpointIsValid(c, keys)) this.fail(`the ${name} checkpoint (seq ${c.seq}) is not genuine`);
    }
    if (proof.start.seq > proof.end.seq) this.fail('the start checkpoint is after the end checkpoint');
    this.broken = this.problems.length > 0;
    this.previous = Buffer.from(proof.start.hash, 'hex');
    this.expected = proof.start.seq + 1;
  }

  /** The chain links from the start checkpoint, entry by entry. */
  entry(e: ChainEntry): void {
    if (this.broken) return;
    if (e.seq !== this.expected) return this.fail(`chain entry ${this.expected} is missing (found ${e.seq})`, true);
    const h = linkHash(this.previous, e.seq, Date.parse(e.occurred_at), Buffer.from(e.digest, 'hex'));
    if (h.toString('hex') !== e.hash) return this.fail(`chain entry ${e.seq} does not link to entry ${e.seq - 1}`, true);
    this.digests.set(e.seq, { digest: e.digest, occurredAt: Date.parse(e.occurred_at), seen: false });
    this.previous = h;
    this.expected++;
  }

  /** One CSV record: it must be the entry its chain_seq names, once, in export order. */
  row(cells: string[]): void {
    if (!this.header) {
      this.header = cells;
      if (cells.join(',') !== EXPORT_COLUMNS.join(',')) this.fail('the CSV header is not the export header');
      return;
    }
    const line = ++this.rows + 1;
    if (this.broken) return;
    if (cells.length !== EXPORT_COLUMNS.length) return this.fail(`line ${line}: ${cells.length} fields, expected ${EXPORT_COLUMNS.length}`);
    const seq = /^[0-9]+$/.test(cells[SEQ_COL]!) ? Number(cells[SEQ_COL]) : NaN;
    const entry = this.digests.get(seq);
    if (!entry) return this.fail(`line ${line}: chain position "${cells[SEQ_COL]}" is not between the checkpoints (inserted row?)`);
    if (entry.seen) return this.fail(`line ${line}: chain position ${seq} appears twice (inserted row?)`);
    entry.seen = true;
    if (eventDigest(cells.slice(0, SEQ_COL)).toString('hex') !== entry.digest) this.fail(`line ${line}: event ${cells[0]} (chain position ${seq}) was altered`);
    const order: [string, string] = [cells[1]!, cells[0]!];
    const last = this.last;
    if (last && (order[0] < last[0] || (order[0] === last[0] && order[1] < last[1]))) this.fail(`line ${line}: rows are out of order (reordered?)`);
    this.last = order;
  }

  /** The chain reached the end checkpoint, and every in-range entry was in the CSV. */
  finish(): VerifyResult {
    const p = this.proof;
    if (!this.broken && (this.expected - 1 !== p.end.seq || this.previous.toString('hex') !== p.end.hash)) this.fail(`the chain does not reach the end checkpoint (seq ${p.end.seq})`, true);
    if (!this.header) this.fail('the CSV is empty (no header)');
    const start = Date.parse(p.range_start);
    const end = Date.parse(p.range_end);
    const filtered = Object.values(p.filters).some((v) => v && v.length);
    let outsideRange = 0;
    if (!this.broken) {
      for (const [seq, e] of this.digests) {
        if (e.seen) continue;
        if (e.occurredAt < start || e.occurredAt > end) outsideRange++;
        else if (!filtered) this.fail(`chain position ${seq} (occurred at ${new Date(e.occurredAt).toISOString()}) is in the range but not in the CSV (deleted row?)`);
      }
    }
    const ok = this.problems.length === 0;
    return { ok, problems: this.problems, rows: this.rows, span: { from: p.start.seq, to: p.end.seq }, outsideRange, complete: ok && !filtered };
  }

  /* A broken chain makes every later check meaningless: stop at the first break. */
  private fail(problem: string, breaksChain = false): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(problem);
    if (breaksChain) this.broken = true;
  }
}

/** The whole check over in-memory inputs (tests, small files). */
export function verifyExport(input: VerifyInput): VerifyResult {
  const v = new ChainVerifier(input.header, input.keys);
  for (const e of input.entries) v.entry(e);
  for (const cells of input.csv) v.row(cells);
  return v.finish();
}
