import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The per-organization hash chain (tamper evidence). Pure, shared by the service and the
 * offline verifier. Invariants, all part of the format (`CHAIN_FORMAT`): changing any of them
 * makes every stored chain unverifiable, so a change is a new format version.
 *
 *   h_0 = SHA-256("wos-audit-chain/v1\ngenesis\n" || environment_id || "\n" || organization_id)
 *   d_n = SHA-256(JSON of the event's 12 export cells)            (eventDigest)
 *   h_n = SHA-256(h_{n-1} || be64(n) || be64(occurred_at ms) || d_n)   (linkHash)
 *
 * The database computes h_n with the same bytes (ChainRepository's insert), so it is
 * computed once, under the organization's chain-head row lock, which gives one total order per
 * organization. A checkpoint is an Ed25519 signature over `checkpointMessage`.
 */
export const CHAIN_FORMAT = 'wos-audit-chain/v1';

const sha256 = (...parts: (Buffer | string)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export function genesisHash(environmentId: string, organizationId: string): Buffer {
  return sha256(`${CHAIN_FORMAT}\ngenesis\n${environmentId}\n${organizationId}`);
}

export function eventDigest(cells: readonly string[]): Buffer {
  return sha256(JSON.stringify(cells));
}

function be64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

export function linkHash(previous: Buffer, seq: number, occurredAtMs: number, digest: Buffer): Buffer {
  return sha256(previous, be64(seq), be64(occurredAtMs), digest);
}

/**
 * JSON with object keys sorted at every depth. Export cells hold objects this way, because
 * Postgres' jsonb does not keep the key order the event was sent with, and the digest taken at
 * ingest must equal the one taken from the export.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `head`: the chain as it stood (periodic, or at an export's end). `truncation`: every event up
 * to `seq` is gone by retention and the chain continues from `hash`. `genesis` is never signed:
 * anyone can recompute it.
 */
export type CheckpointKind = 'genesis' | 'head' | 'truncation';

export interface Checkpoint {
  object: 'audit_log_checkpoint';
  id: string;
  kind: CheckpointKind;
  environment_id: string;
  organization_id: string;
  seq: number;
  /** h_seq, hex. */
  hash: string;
  created_at: string;
  key_id: string | null;
  /** Ed25519 over checkpointMessage, base64url; null for genesis. */
  signature: string | null;
}

export type SignedCheckpoint = Checkpoint & { kind: 'head' | 'truncation'; key_id: string; signature: string };

export function checkpointMessage(c: Omit<Checkpoint, 'signature' | 'object' | 'id' | 'key_id'>): Buffer {
  return Buffer.from(`${CHAIN_FORMAT}\ncheckpoint\n${c.kind}\n${c.environment_id}\n${c.organization_id}\n${c.seq}\n${c.hash}\n${c.created_at}`);
}

export function genesisCheckpoint(environmentId: string, organizationId: string): Checkpoint {
  return {
    object: 'audit_log_checkpoint',
    id: 'genesis',
    kind: 'genesis',
    environment_id: environmentId,
    organization_id: organizationId,
    seq: 0,
    hash: genesisHash(environmentId, organizationId).toString('hex'),
    created_at: new Date(0).toISOString(),
    key_id: null,
    signature: null,
  };
}

/** A public signing key as published at the keys URL (RFC 8037 OKP JWK). */
export interface ChainPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export function signMessage(privateKey: KeyObject, message: Buffer): string {
  return sign(null, message, privateKey).toString('base64url');
}

export function verifyMessage(jwk: ChainPublicJwk, message: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
    return verify(null, message, key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** Whether a checkpoint is genuine: genesis recomputed, the others signed by one of `keys`. */
export function checkpointIsValid(c: Checkpoint, keys: readonly ChainPublicJwk[]): boolean {
  if (c.kind === 'genesis') return c.seq === 0 && c.hash === genesisHash(c.environment_id, c.organization_id).toString('hex');
  const key = keys.find((k) => k.kid === c.key_id);
  return !!key && !!c.signature && verifyMessage(key, checkpointMessage(c), c.signature);
}
