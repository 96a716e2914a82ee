import { Inject, Injectable } from '@nestjs/common';
import { generateKeyPairSync, createPrivateKey, type KeyObject } from 'node:crypto';
import { Topic } from '@wos/contracts';
import { buildEvent, newId, SecretBox, type Logger, type OutboxMessage } from '@wos/platform';
import { LOGGER } from '../config';
import { checkpointMessage, genesisCheckpoint, signMessage, type ChainPublicJwk, type Checkpoint, type SignedCheckpoint } from '../audit-core/chain';
import { proofHeaderMessage, type ChainEntry, type ProofHeader } from '../audit-core/chain-verify';
import { ChainRepository, type StoredKey } from './chain.repository';
import { CHAIN_KEY_CONTEXT } from '../infra/sealed-columns';

/* Chains checkpointed per maintenance run; the rest wait for the next run. */
const CHECKPOINTS_PER_RUN = 10_000;
const ENTRY_PAGE = 5_000;

/**
 * Checkpoints and proofs of the per-organization hash chains. Invariants: a checkpoint states
 * a (position, hash) the chain table holds, signed with the active Ed25519 key, and is
 * published on the SIEM topic with its creation; entries are removed only under a signed
 * truncation checkpoint, so what remains still links to a signed hash.
 */
@Injectable()
export class ChainService {
  private active?: Promise<{ id: string; privateKey: KeyObject }>;
  private readonly log: Logger;

  constructor(
    private readonly repo: ChainRepository,
    private readonly box: SecretBox,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: ChainService.name });
  }

  /** The public keys, for `GET /audit_logs/chain/keys` (a JWKS). */
  async publicKeys(): Promise<{ keys: ChainPublicJwk[] }> {
    await this.signingKey();
    return { keys: (await this.repo.keys()).map((k) => k.publicJwk) };
  }

  async listCheckpoints(environmentId: string, organizationId: string, afterSeq: number, limit: number): Promise<Checkpoint[]> {
    return this.repo.checkpoints(environmentId, organizationId, afterSeq, limit);
  }

  /** Signs a head checkpoint for every chain that moved since its last one. */
  async checkpointHeads(): Promise<number> {
    const heads = await this.repo.headsAhead(CHECKPOINTS_PER_RUN);
    for (const h of heads) {
      const c = await this.sign('head', h.environmentId, h.organizationId, h.seq, h.hash);
      await this.repo.addCheckpoint(c, checkpointCreated(c));
    }
    return heads.length;
  }

  /**
   * After retention removed events: a signed truncation checkpoint at the last position whose
   * event and every earlier one are gone, and those entries removed.
   */
  async truncateRemoved(): Promise<number> {
    let truncated = 0;
    for (const { environmentId, organizationId } of await this.repo.chains()) {
      const head = await this.repo.head(environmentId, organizationId);
      if (!head) continue;
      const from = (await this.repo.lastTruncation(environmentId, organizationId))?.seq ?? 0;
      const upTo = await this.repo.removedPrefix(environmentId, organizationId, from, head.seq);
      if (upTo <= from) continue;
      const hash = await this.repo.entryHash(environmentId, organizationId, upTo);
      if (!hash) {
        this.log.error({ environmentId, organizationId, seq: upTo }, 'audit-log chain entry missing: not truncating');
        continue;
      }
      const c = await this.sign('truncation', environmentId, organizationId, upTo, hash);
      await this.repo.truncate(c, checkpointCreated(c));
      truncated++;
    }
    return truncated;
  }

  /** The chain's committed head: an export reads its events up to it, and its proof ends there. */
  head(environmentId: string, organizationId: string): Promise<{ seq: number; hash: Buffer } | undefined> {
    return this.repo.head(environmentId, organizationId);
  }

  /**
   * The proof of an export: the organization's whole retained chain, from its last truncation
   * checkpoint (else the genesis) to a checkpoint signed now of the head the export read up to
   * (`head`). Starting anywhere later would let an entry removed from the chain table go
   * unnoticed; the cost is a proof the size of the retained chain (about 150 bytes an event).
   * `write` receives the header line, then the entries.
   */
  async writeProof(
    exp: { id: string; environmentId: string; organizationId: string; rangeStart: Date; rangeEnd: Date; filters: ProofHeader['filters'] },
    head: { seq: number; hash: Buffer } | undefined,
    write: (line: string) => Promise<void>,
  ): Promise<void> {
    const { environmentId: env, organizationId: org } = exp;
    const start = (await this.repo.lastTruncation(env, org)) ?? genesisCheckpoint(env, org);
    let end: Checkpoint = start;
    if (head && head.seq > start.seq) {
      const signed = await this.sign('head', env, org, head.seq, head.hash);
      await this.repo.addCheckpoint(signed, checkpointCreated(signed));
      end = signed;
    }
    const key = await this.signingKey();
    const unsigned: Omit<ProofHeader, 'signature'> = {
      object: 'audit_log_chain_proof',
      format: 'wos-audit-chain/v1',
      export_id: exp.id,
      environment_id: env,
      organization_id: org,
      range_start: exp.rangeStart.toISOString(),
      range_end: exp.rangeEnd.toISOString(),
      filters: exp.filters,
      start,
      end,
      created_at: new Date().toISOString(),
      key_id: key.id,
    };
    await write(JSON.stringify({ ...unsigned, signature: signMessage(key.privateKey, proofHeaderMessage(unsigned)) }) + '\n');
    for (let after = start.seq; after < end.seq; ) {
      const page: ChainEntry[] = await this.repo.entries(env, org, after, end.seq, ENTRY_PAGE);
      if (!page.length) throw new Error(`audit-log chain ${org}: entries after ${after} are missing`);
      await write(page.map((e) => JSON.stringify(e)).join('\n') + '\n');
      after = page[page.length - 1]!.seq;
    }
  }

  private async sign(kind: SignedCheckpoint['kind'], environmentId: string, organizationId: string, seq: number, hash: Buffer): Promise<SignedCheckpoint> {
    const key = await this.signingKey();
    const body = { kind, environment_id: environmentId, organization_id: organizationId, seq, hash: hash.toString('hex'), created_at: new Date().toISOString() };
    return { object: 'audit_log_checkpoint', id: newId('audit_log_checkpoint'), ...body, key_id: key.id, signature: signMessage(key.privateKey, checkpointMessage(body)) };
  }

  /** The active key, created on first use (one per deployment; see ChainRepository.activeKeyOrCreate). */
  private signingKey(): Promise<{ id: string; privateKey: KeyObject }> {
    this.active ??= (async () => {
      const stored = await this.repo.activeKeyOrCreate(this.newKey());
      return { id: stored.id, privateKey: createPrivateKey({ key: this.box.open(stored.privateKeySealed, CHAIN_KEY_CONTEXT), format: 'der', type: 'pkcs8' }) };
    })().catch((err: unknown) => {
      this.active = undefined;
      throw err;
    });
    return this.active;
  }

  private newKey(): StoredKey {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const id = newId('audit_log_chain_key');
    const { x } = publicKey.export({ format: 'jwk' });
    return {
      id,
      privateKeySealed: this.box.seal(privateKey.export({ format: 'der', type: 'pkcs8' }), CHAIN_KEY_CONTEXT),
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: x!, kid: id, use: 'sig', alg: 'EdDSA' },
    };
  }
}

/* Keyed by the organization, like its events, so a SIEM reads a checkpoint after the events it covers. */
function checkpointCreated(c: SignedCheckpoint): OutboxMessage {
  return { topic: Topic.auditLogs, key: c.organization_id, event: buildEvent('audit_log_checkpoint.created', c, c.environment_id) };
}
