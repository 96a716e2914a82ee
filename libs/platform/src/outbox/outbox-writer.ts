import type { EventEnvelope } from '@wos/contracts';
import { injectTraceHeaders } from '../telemetry/telemetry';

/** The part of a Prisma client (or transaction client) the outbox needs. */
export interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface OutboxMessage {
  topic: string;
  /** Organization ID where there is one, else the entity ID: Kafka keeps per-key order. */
  key: string;
  event: EventEnvelope;
}

/**
 * A message whose value is not an event envelope (a rendering for outside consumers, such as
 * audit-logs' OCSF topic). `id` is its unique outbox ID; no consumer of ours reads these topics.
 */
export interface OutboxRawMessage {
  topic: string;
  key: string;
  id: string;
  value: Record<string, unknown>;
}

/**
 * A message whose payload is already JSON text (an event envelope or a raw value, serialised
 * once by whoever had to measure it, as OutboxGroupAppender does).
 */
export interface OutboxEncodedMessage {
  topic: string;
  key: string;
  id: string;
  json: string;
}

export type AnyOutboxMessage = OutboxMessage | OutboxRawMessage | OutboxEncodedMessage;

/** The row's unique `event_id`. */
export const outboxMessageId = (m: AnyOutboxMessage): string => ('event' in m ? m.event.id : m.id);
/** The row's payload as JSON text. */
export const outboxPayloadJson = (m: AnyOutboxMessage): string => ('event' in m ? JSON.stringify(m.event) : 'json' in m ? m.json : JSON.stringify(m.value));
/** The message with its payload serialised once (to be measured, then written as it is). */
export const encodeOutboxMessage = (m: AnyOutboxMessage): OutboxEncodedMessage => ({ topic: m.topic, key: m.key, id: outboxMessageId(m), json: outboxPayloadJson(m) });

/**
 * Dead-lettering for an outbox created by OUTBOX_DDL_V1 (the first migrations of the producing
 * services). Relays up to 2026-12 marked a row Kafka can never take in place with these columns;
 * the relay now moves it to `outbox_dead_letters` (OUTBOX_DEAD_LETTERS_DDL). The columns stay
 * for a relay of the earlier version during a rolling upgrade, and the pending index's predicate
 * still names `dead_lettered_at` (always NULL for rows this relay leaves in the table).
 */
export const OUTBOX_DEAD_LETTER_DDL = `ALTER TABLE "outbox" ADD COLUMN "dead_lettered_at" TIMESTAMPTZ(3), ADD COLUMN "dead_letter_error" TEXT;
DROP INDEX IF EXISTS "outbox_unpublished_idx";
CREATE INDEX "outbox_pending_idx" ON "outbox" ("seq") WHERE "published_at" IS NULL AND "dead_lettered_at" IS NULL;`;

/**
 * The outbox's dead-letter table (libs/platform/migrations/20261218090000_platform_outbox_dead_letters):
 * a row Kafka can never take, moved out of `outbox` by the relay in one statement, with the
 * error. `seq` is the row's place in the outbox when it was set aside; a replay
 * (OutboxDeadLetters.replay) appends it to the outbox again as a new row and records that row's
 * `replayed_seq`. A dead letter is never deleted: the table is the record of what never left.
 */
export const OUTBOX_DEAD_LETTERS_DDL = `CREATE TABLE IF NOT EXISTS "outbox_dead_letters" (
  "id" BIGSERIAL PRIMARY KEY,
  "seq" BIGINT NOT NULL,
  "event_id" TEXT NOT NULL,
  "topic" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "headers" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL,
  "dead_lettered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "error" TEXT NOT NULL,
  "replayed_at" TIMESTAMPTZ(3),
  "replayed_seq" BIGINT
);
CREATE INDEX IF NOT EXISTS "outbox_dead_letters_seq_idx" ON "outbox_dead_letters" ("seq");`;

/**
 * The outbox as every service database has it, through the platform's migration
 * (libs/platform/migrations; a service's own migrations never create it). This copy is for tests
 * on a bare database. The relay relies on exactly these columns.
 */
export const OUTBOX_DDL = `CREATE TABLE "outbox" (
  "seq" BIGSERIAL PRIMARY KEY,
  "event_id" TEXT NOT NULL UNIQUE,
  "topic" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "headers" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "published_at" TIMESTAMPTZ(3)
);
${OUTBOX_DEAD_LETTER_DDL}
${OUTBOX_DEAD_LETTERS_DDL}`;

export const OUTBOX_CHANNEL = 'outbox';

/**
 * SQL for a common table expression named `outbox_rows` that appends `messages` to the outbox
 * in their order, numbering its parameters from `firstParam`. Services embed it in a larger
 * statement (one round trip for a state change and its events) or use appendToOutbox.
 * Every row gets the trace headers of the context active at this call, or, given `rowHeaders`
 * (one per message, in order), its own: for a statement that carries many callers' events
 * (OutboxGroupAppender). It binds OUTBOX_CTE_PARAMS parameters whatever the row count.
 *
 * The rows travel as ONE JSON array parameter with each payload embedded as a JSON value (not
 * as a string inside a text[]): the client serialises each payload once and escapes nothing
 * again, and Postgres parses each payload once, where a jsonb[] parameter made the client
 * escape every payload into an array literal and Postgres parse that literal and then the JSON.
 */
export function outboxInsertCte(
  messages: AnyOutboxMessage[],
  firstParam: number,
  rowHeaders?: Record<string, string>[],
): { cte: string; values: unknown[] } {
  if (rowHeaders && rowHeaders.length !== messages.length) throw new Error(`outboxInsertCte: ${rowHeaders.length} headers for ${messages.length} messages`);
  const shared = rowHeaders ? undefined : JSON.stringify(injectTraceHeaders({}));
  const rows = messages.map(
    (m, i) =>
      `{"i":${JSON.stringify(outboxMessageId(m))},"t":${JSON.stringify(m.topic)},"k":${JSON.stringify(m.key)},"h":${shared ?? JSON.stringify(rowHeaders![i])},"p":${outboxPayloadJson(m)}}`,
  );
  const cte = `outbox_rows AS (
      INSERT INTO "outbox" ("event_id", "topic", "key", "payload", "headers")
      SELECT t.r->>'i', t.r->>'t', t.r->>'k', t.r->'p', t.r->'h'
      FROM jsonb_array_elements($${firstParam}::jsonb) WITH ORDINALITY AS t(r, ord)
      ORDER BY t.ord
      RETURNING 1)`;
  return { cte, values: [`[${rows.join(',')}]`] };
}

/**
 * The caller's trace context as an outbox row's headers. A group-committed statement runs in
 * one caller's context: each row's headers are captured here, where its caller made it.
 */
export const callerOutboxHeaders = (): Record<string, string> => injectTraceHeaders({});

/** How many parameters outboxInsertCte binds (one JSON array, so independent of the number of rows). */
export const OUTBOX_CTE_PARAMS = 1;

/**
 * Turns outbox_rows into a complete statement that also wakes the relay (NOTIFY is sent on
 * commit), only when it inserted a row: a statement whose other CTEs write state with no event
 * (a radar attempt without attempt events) takes no NOTIFY lock at commit and wakes no listener.
 */
export function withOutboxNotify(ctes: string): string {
  return `WITH ${ctes} SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM (SELECT count(*) AS n FROM outbox_rows) AS inserted WHERE inserted.n > 0`;
}

/**
 * Appends events to the outbox in one statement. Invariant: run it in the same transaction as
 * the state change it records, so the change and its events commit or roll back together.
 */
export async function appendToOutbox(tx: RawExecutor, messages: (OutboxMessage | OutboxRawMessage)[]): Promise<void> {
  if (!messages.length) return;
  const { cte, values } = outboxInsertCte(messages, 1);
  await tx.$executeRawUnsafe(withOutboxNotify(cte), ...values);
}

/** A RawExecutor over a pg client or pool, so outbox and inbox helpers run inside a hand-written transaction. */
export function pgExecutor(client: { query(text: string, values: unknown[]): Promise<{ rowCount: number | null }> }): RawExecutor {
  return { $executeRawUnsafe: async (text, ...values) => (await client.query(text, values)).rowCount ?? 0 };
}
