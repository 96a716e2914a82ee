import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson, checkpointMessage, eventDigest, genesisCheckpoint, linkHash, signMessage, type ChainPublicJwk, type Checkpoint } from './chain';
import { proofHeaderMessage, verifyExport, type ChainEntry, type ProofHeader } from './chain-verify';
import { EXPORT_COLUMNS, eventCells, type ExportableEvent } from './export-csv';

const ENV = 'environment_01JTESTENV00000000000000000';
const ORG = 'org_01JTESTORG00000000000000000';

function keyPair(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk: ChainPublicJwk = { kty: 'OKP', crv: 'Ed25519', x: publicKey.export({ format: 'jwk' }).x!, kid, use: 'sig', alg: 'EdDSA' };
  return { jwk, privateKey };
}

const event = (i: number, day: number): ExportableEvent => ({
  id: `audit_log_event_${String(i).padStart(4, '0')}`,
  occurredAt: new Date(Date.UTC(2026, 11, day, 0, 0, i)),
  action: 'document.viewed',
  version: null,
  actor: { id: `user_${i}`, type: 'user', metadata: { b: 2, a: 'x' } },
  targets: [{ id: `doc_${i}`, type: 'document' }],
  context: { location: '192.0.2.1' },
  metadata: { n: i },
});

/**
 * A chain of 8 events (events 3 and 6 backdated out of the range), its signed proof, and the
 * CSV an export of 2026-12-02..2026-12-03 writes.
 */
function fixture(opts: { filters?: ProofHeader['filters'] } = {}) {
  const k = keyPair('audit_log_chain_key_1');
  const days = [2, 2, 1, 3, 2, 1, 3, 3];
  const events = days.map((d, i) => event(i + 1, d));
  const start = genesisCheckpoint(ENV, ORG);
  let prev: Buffer = Buffer.from(start.hash, 'hex');
  const entries: ChainEntry[] = events.map((e, i) => {
    const digest = eventDigest(eventCells(e));
    prev = linkHash(prev, i + 1, e.occurredAt.getTime(), digest);
    return { seq: i + 1, occurred_at: e.occurredAt.toISOString(), digest: digest.toString('hex'), hash: prev.toString('hex') };
  });
  const endBody = { kind: 'head' as const, environment_id: ENV, organization_id: ORG, seq: 8, hash: prev.toString('hex'), created_at: '2026-12-04T00:00:00.000Z' };
  const end: Checkpoint = { object: 'audit_log_checkpoint', id: 'audit_log_checkpoint_1', ...endBody, key_id: k.jwk.kid, signature: signMessage(k.privateKey, checkpointMessage(endBody)) };
  const unsigned: Omit<ProofHeader, 'signature'> = {
    object: 'audit_log_chain_proof',
    format: 'wos-audit-chain/v1',
    export_id: 'audit_log_export_1',
    environment_id: ENV,
    organization_id: ORG,
    range_start: '2026-12-02T00:00:00.000Z',
    range_end: '2026-12-03T23:59:59.999Z',
    filters: opts.filters ?? {},
    start,
    end,
    created_at: '2026-12-04T00:00:00.000Z',
    key_id: k.jwk.kid,
  };
  const header: ProofHeader = { ...unsigned, signature: signMessage(k.privateKey, proofHeaderMessage(unsigned)) };
  const inRange = events
    .map((e, i) => ({ e, seq: i + 1 }))
    .filter(({ e }) => e.occurredAt >= new Date(header.range_start))
    .sort((a, b) => a.e.occurredAt.getTime() - b.e.occurredAt.getTime() || (a.e.id < b.e.id ? -1 : 1));
  const csv = [[...EXPORT_COLUMNS], ...inRange.map(({ e, seq }) => [...eventCells(e), String(seq)])];
  return { header, entries, csv, keys: [k.jwk], events };
}

describe('chain verifier', () => {
  test('an untouched export verifies, complete, with the out-of-range entries counted', () => {
    const f = fixture();
    const r = verifyExport(f);
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
    assert.equal(r.complete, true);
    assert.equal(r.rows, 6);
    assert.equal(r.outsideRange, 2);
  });

  test('a deleted row is found', () => {
    const f = fixture();
    f.csv.splice(3, 1);
    const r = verifyExport(f);
    assert.equal(r.ok, false);
    assert.match(r.problems.join('\n'), /in the range but not in the CSV/);
  });

  test('an inserted row is found, with a made-up position or a copied one', () => {
    for (const seq of ['99', '1']) {
      const f = fixture();
      const forged = [...eventCells(event(42, 2)), seq];
      f.csv.splice(2, 0, forged);
      const r = verifyExport(f);
      assert.equal(r.ok, false, `position ${seq}`);
      assert.match(r.problems.join('\n'), /inserted row|altered/);
    }
  });

  test('reordered rows are found: lines swapped, or two events swapped in the chain', () => {
    const swappedLines = fixture();
    [swappedLines.csv[1], swappedLines.csv[4]] = [swappedLines.csv[4]!, swappedLines.csv[1]!];
    assert.match(verifyExport(swappedLines).problems.join('\n'), /out of order/);

    const swappedSeqs = fixture();
    const [a, b] = [swappedSeqs.csv[1]!, swappedSeqs.csv[2]!];
    [a[12], b[12]] = [b[12]!, a[12]!];
    assert.match(verifyExport(swappedSeqs).problems.join('\n'), /altered/);
  });

  test('an edited row is found, whatever the cell', () => {
    for (let col = 0; col < 12; col++) {
      const f = fixture();
      f.csv[2]![col] = `${f.csv[2]![col]}x`;
      const r = verifyExport(f);
      assert.equal(r.ok, false, `column ${EXPORT_COLUMNS[col]}`);
    }
  });

  test('a rewritten chain does not reach the signed end checkpoint', () => {
    const f = fixture();
    // The attacker edits event 2 and recomputes every hash after it, but cannot re-sign the end.
    const edited = { ...f.events[1]!, action: 'document.deleted' };
    let prev: Buffer = Buffer.from(f.entries[0]!.hash, 'hex');
    for (let i = 1; i < f.entries.length; i++) {
      const digest = i === 1 ? eventDigest(eventCells(edited)) : Buffer.from(f.entries[i]!.digest, 'hex');
      prev = linkHash(prev, i + 1, Date.parse(f.entries[i]!.occurred_at), digest);
      f.entries[i] = { ...f.entries[i]!, digest: digest.toString('hex'), hash: prev.toString('hex') };
    }
    assert.match(verifyExport(f).problems.join('\n'), /does not reach the end checkpoint/);
  });

  test('an entry removed from the proof breaks the chain', () => {
    const f = fixture();
    f.entries.splice(4, 1);
    assert.match(verifyExport(f).problems.join('\n'), /chain entry 5 is missing/);
  });

  test('a header or checkpoint signed by an unknown key, or edited, is refused', () => {
    const f = fixture();
    const other = keyPair('audit_log_chain_key_1');
    assert.match(verifyExport({ ...f, keys: [other.jwk] }).problems.join('\n'), /not signed by a known key/);
    const narrowed = fixture();
    narrowed.header.range_start = '2026-12-03T00:00:00.000Z';
    assert.match(verifyExport(narrowed).problems.join('\n'), /not signed by a known key/);
  });

  test('a filtered export verifies its rows but does not claim completeness', () => {
    const f = fixture({ filters: { actions: ['document.viewed'] } });
    f.csv.splice(3, 1);
    const r = verifyExport(f);
    assert.equal(r.ok, true);
    assert.equal(r.complete, false);
  });

  test('canonical JSON sorts keys at every depth and drops undefined', () => {
    assert.equal(canonicalJson({ b: [{ z: 1, a: undefined, c: null }], a: 'é' }), '{"a":"é","b":[{"c":null,"z":1}]}');
  });
});
