import type { Admin, Kafka } from 'kafkajs';

/* Under the readiness endpoint's own 2 s limit (HealthRegistry.run), so a slow probe is dropped by the time it is reported. */
const PROBE_TIMEOUT_MS = 1_800;

/**
 * One Kafka admin client kept connected for a process's readiness checks, so a probe is one
 * request on an open connection instead of a connection, a metadata fetch and a disconnect each
 * time (Kubernetes probes every pod every few seconds).
 * Invariants: a probe that fails or hangs drops the client, so the next probe connects afresh and
 * never waits on or answers from a dead connection; close() disconnects it for good (a later
 * probe fails).
 */
export class KafkaAdminProbe {
  private admin: Promise<Admin> | null = null;
  private closed = false;

  constructor(private readonly kafka: Kafka) {}

  /**
   * Runs `check` with the connected admin client. It rejects, and drops the client, when the
   * check fails or takes longer than `timeoutMs` (a connection to a broker that went away may hang
   * rather than fail; the next probe must not wait behind it).
   */
  async run<T>(check: (admin: Admin) => Promise<T>, timeoutMs = PROBE_TIMEOUT_MS): Promise<T> {
    if (this.closed) throw new Error('the Kafka probe is closed');
    const connecting = (this.admin ??= this.connect());
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Kafka within ${timeoutMs} ms`)), timeoutMs);
      });
      return await Promise.race([connecting.then(check), deadline]);
    } catch (err) {
      if (this.admin === connecting) void this.drop();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drop();
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
    } catch (err) {
      await admin.disconnect().catch(() => undefined);
      throw err;
    }
    return admin;
  }

  private async drop(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
