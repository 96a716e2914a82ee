import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SecretBox, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { HotPathRedisService } from '../infra/hot-path-redis.service';
import type { IdempotencyStorage } from '../routing/route.table';

export interface StoredResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** A claimed key: only the request holding `token` may complete or release it. */
export interface Claim {
  redisKey: string;
  fingerprint: string;
  token: string;
}

/** What to do with a POST that carries an Idempotency-Key on an idempotent create. */
export type IdempotencyDecision =
  | { kind: 'proceed'; claim: Claim }
  | { kind: 'replay'; response: StoredResponse }
  /** The first answer carried a one-time value, so only the created resource is known. */
  | { kind: 'created'; object: string | null; resourceId: string | null }
  | { kind: 'reused' }
  | { kind: 'in_progress' }
  /** Redis cannot be asked right now: the request must not run (fail closed). */
  | { kind: 'unavailable' };

type RecordJson =
  | { state: 'pending'; fingerprint: string; token: string }
  | { state: 'done'; fingerprint: string; status: number; content_type?: string; sealed_body: string }
  /* A `reference` create's success: what was created, never the answer (it held a one-time value). */
  | { state: 'created'; fingerprint: string; object: string | null; resource_id: string | null };

/* Claims the key (SET NX) or returns what is already there, atomically in one round trip. */
const CLAIM_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
return redis.call('GET', KEYS[1])`;
/* Replaces (ARGV[2] set, with a TTL of ARGV[3] seconds) or deletes the record, only while it is still our pending claim. */
const SETTLE_LUA = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, record = pcall(cjson.decode, current)
if not ok or record.state ~= 'pending' or record.token ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1`;
type WithScripts = {
  gatewayIdempotencyClaim(key: string, value: string, ttlMs: number): Promise<string | null>;
  gatewayIdempotencySettle(key: string, token: string, value: string, ttlSeconds: number): Promise<number>;
};

/*
 * Statuses that are not stored: the ones the SDK retries (408, 429, 5xx). Storing them would
 * replay a transient failure to every retry instead of letting the retry through.
 */
const RETRYABLE = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * Idempotency keys for the create endpoints in IDEMPOTENT_CREATES, scoped by environment. A
 * claimed key holds a `pending` marker while the request is forwarded, then, for
 * IDEMPOTENCY_TTL_SECONDS, the response (`response` creates) or only the created resource's ID
 * (`reference` creates, whose answer carries a one-time value). Invariants:
 * - A secret is never stored: a `reference` create's 2xx answer is reduced to its `object` and
 *   `id` before anything is written; its errors (no secret) are stored like any other answer.
 * - Fail closed: a request with a key runs only after its claim is confirmed in Redis; when
 *   Redis is down or slow it is refused (503, retryable) rather than risk running twice.
 * - A claim that reached Redis after its request was refused (the hot-path timeout) is deleted
 *   right behind it on the same connection, so it cannot answer 409 to the retries.
 * - Only the claiming request completes or releases its claim (a random token compared in Lua).
 * - Stored bodies are sealed with SecretBox (AES-256-GCM, SECRET_ENCRYPTION_KEYS), bound to the
 *   record's Redis key and fingerprint, and the Redis key holds only a SHA-256 of the client's
 *   key: a Redis dump reveals no response body, including the secrets some creates return.
 * - The pending marker outlives the longest possible upstream call.
 */
@Injectable()
export class IdempotencyService {
  private readonly pendingTtlMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly redis: HotPathRedisService,
    private readonly box: SecretBox,
  ) {
    this.pendingTtlMs = config.UPSTREAM_TIMEOUT_MS * 2 + 10_000;
    redis.client.defineCommand('gatewayIdempotencyClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
    redis.client.defineCommand('gatewayIdempotencySettle', { numberOfKeys: 1, lua: SETTLE_LUA });
  }

  private get scripts(): WithScripts {
    return this.redis.client as unknown as WithScripts;
  }

  async begin(environmentId: string, idempotencyKey: string, method: string, url: string, body: Buffer | undefined): Promise<IdempotencyDecision> {
    const fingerprint = createHash('sha256').update(`${method}\n${url}\n`).update(body ?? Buffer.alloc(0)).digest('hex');
    const keyDigest = createHash('sha256').update(idempotencyKey).digest('hex');
    const claim: Claim = { redisKey: `${this.config.REDIS_KEY_PREFIX}idem:${environmentId}:${keyDigest}`, fingerprint, token: randomBytes(16).toString('hex') };
    const pending = JSON.stringify({ state: 'pending', fingerprint, token: claim.token } satisfies RecordJson);
    if (!this.redis.available) return { kind: 'unavailable' };
    const existing = await this.redis.tryRun('idempotency-claim', (c) =>
      (c as unknown as WithScripts).gatewayIdempotencyClaim(claim.redisKey, pending, this.pendingTtlMs),
    );
    if (existing === undefined) {
      // Queued behind the claim on the same connection: if the claim lands late, this removes it.
      this.scripts.gatewayIdempotencySettle(claim.redisKey, claim.token, '', 0).catch(() => undefined);
      return { kind: 'unavailable' };
    }
    if (existing === null) return { kind: 'proceed', claim };
    const record = JSON.parse(existing) as RecordJson;
    if (record.fingerprint !== fingerprint) return { kind: 'reused' };
    if (record.state === 'pending') return { kind: 'in_progress' };
    if (record.state === 'created') return { kind: 'created', object: record.object, resourceId: record.resource_id };
    try {
      const stored = this.box.open(record.sealed_body, sealContext(claim));
      return { kind: 'replay', response: { status: record.status, contentType: record.content_type, body: stored } };
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'idempotency record cannot be opened (key rotated away or tampered)');
      return { kind: 'unavailable' };
    }
  }

  /**
   * Stores the response for replay (or, for a `reference` create's success, only what it
   * created), or releases the key when the status is retryable.
   */
  async complete(claim: Claim, response: StoredResponse, stores: IdempotencyStorage = 'response'): Promise<void> {
    if (RETRYABLE(response.status)) return this.release(claim);
    const record: RecordJson =
      stores === 'reference' && response.status >= 200 && response.status < 300
        ? { state: 'created', fingerprint: claim.fingerprint, ...createdResource(response.body) }
        : {
            state: 'done',
            fingerprint: claim.fingerprint,
            status: response.status,
            content_type: response.contentType,
            sealed_body: this.box.seal(response.body, sealContext(claim)),
          };
    await this.redis.tryRun('idempotency-store', (c) =>
      (c as unknown as WithScripts).gatewayIdempotencySettle(claim.redisKey, claim.token, JSON.stringify(record), this.config.IDEMPOTENCY_TTL_SECONDS),
    );
  }

  async release(claim: Claim): Promise<void> {
    await this.redis.tryRun('idempotency-release', (c) => (c as unknown as WithScripts).gatewayIdempotencySettle(claim.redisKey, claim.token, '', 0));
  }
}

/* The sealed body opens only for the record it was written for. */
const sealContext = (claim: Pick<Claim, 'redisKey' | 'fingerprint'>) => `${claim.redisKey}\n${claim.fingerprint}`;

/* The `object` and `id` of a created resource's JSON answer; null for what is not there. */
function createdResource(body: Buffer): { object: string | null; resource_id: string | null } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { object?: unknown; id?: unknown };
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 255 ? v : null);
    return { object: text(parsed.object), resource_id: text(parsed.id) };
  } catch {
    return { object: null, resource_id: null };
  }
}
