import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { RedisService } from '../infra/redis.service';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface StoredResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** What to do with a POST that carries an Idempotency-Key. */
export type IdempotencyDecision =
  | { kind: 'proceed'; claim?: { redisKey: string; fingerprint: string } }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'reused' }
  | { kind: 'in_progress' };

type RecordJson =
  | { state: 'pending'; fingerprint: string }
  | { state: 'done'; fingerprint: string; status: number; content_type?: string; body: string };

/* Claims the key (SET NX) or returns what is already there, atomically in one round trip. */
const CLAIM_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
return redis.call('GET', KEYS[1])`;
type WithScript = { gatewayIdempotencyClaim(key: string, value: string, ttlMs: number): Promise<string | null> };

/*
 * Statuses that are not stored: the ones the SDK retries (408, 429, 5xx). Storing them would
 * replay a transient failure to every retry instead of letting the retry through.
 */
const RETRYABLE = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * Idempotency keys for POST, scoped by environment. A claimed key holds a `pending` marker
 * while the request is forwarded, then the response for IDEMPOTENCY_TTL_SECONDS.
 * Invariant: the pending marker outlives the longest possible upstream call, so it cannot
 * vanish while its request is still running. Fails open when Redis is unavailable.
 */
@Injectable()
export class IdempotencyService {
  private readonly pendingTtlMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {
    this.pendingTtlMs = config.UPSTREAM_TIMEOUT_MS * 2 + 10_000;
    redis.client.defineCommand('gatewayIdempotencyClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
  }

  async begin(environmentId: string, idempotencyKey: string, method: string, url: string, body: Buffer | undefined): Promise<IdempotencyDecision> {
    const fingerprint = createHash('sha256').update(`${method}\n${url}\n`).update(body ?? Buffer.alloc(0)).digest('hex');
    const redisKey = `${this.config.REDIS_KEY_PREFIX}idem:${environmentId}:${idempotencyKey}`;
    const pending = JSON.stringify({ state: 'pending', fingerprint } satisfies RecordJson);
    const existing = await this.redis.tryRun('idempotency-claim', (c) =>
      (c as unknown as WithScript).gatewayIdempotencyClaim(redisKey, pending, this.pendingTtlMs),
    );
    if (existing === undefined) return { kind: 'proceed' };
    if (existing === null) return { kind: 'proceed', claim: { redisKey, fingerprint } };
    const record = JSON.parse(existing) as RecordJson;
    if (record.fingerprint !== fingerprint) return { kind: 'reused' };
    if (record.state === 'pending') return { kind: 'in_progress' };
    return { kind: 'replay', response: { status: record.status, contentType: record.content_type, body: Buffer.from(record.body, 'base64') } };
  }

  /** Stores the response for replay, or releases the key when the status is retryable. */
  async complete(claim: { redisKey: string; fingerprint: string }, response: StoredResponse): Promise<void> {
    if (RETRYABLE(response.status)) return this.release(claim);
    const record: RecordJson = {
      state: 'done',
      fingerprint: claim.fingerprint,
      status: response.status,
      content_type: response.contentType,
      body: response.body.toString('base64'),
    };
    await this.redis.tryRun('idempotency-store', (c) => c.set(claim.redisKey, JSON.stringify(record), 'EX', this.config.IDEMPOTENCY_TTL_SECONDS));
  }

  async release(claim: { redisKey: string }): Promise<void> {
    await this.redis.tryRun('idempotency-release', (c) => c.del(claim.redisKey));
  }
}
