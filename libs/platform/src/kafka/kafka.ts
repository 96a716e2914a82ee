import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { applyKafkajsIdleFix } from './kafkajs-idle-fix';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

let warningFilterInstalled = false;
/**
 * kafkajs 2.2.4 may still schedule a timer with a negative delay, which Node 24 clamps to 1 ms
 * while printing a TimeoutNegativeWarning each time (the idle loop that did it constantly is
 * fixed in ./kafkajs-idle-fix). That warning is dropped; every other process warning still
 * reaches the log.
 */
function filterKafkajsTimerWarnings(logger: Logger): void {
  if (warningFilterInstalled) return;
  warningFilterInstalled = true;
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name !== 'TimeoutNegativeWarning') logger.warn({ warning: w.name, stack: w.stack }, w.message);
  });
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go to pino as JSON. */
export function createKafka(opts: { brokers: string[]; clientId: string; logger: Logger }): Kafka {
  applyKafkajsIdleFix();
  filterKafkajsTimerWarnings(opts.logger);
  const log = opts.logger.child({ context: 'kafkajs' });
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? 'info'](rest, message);
      },
  });
}

/** Creates missing topics. Safe to call from every replica at boot. */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions })) });
    }
  } finally {
    await admin.disconnect();
  }
}
