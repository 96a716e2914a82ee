import { randomBytes } from 'node:crypto';
import { registry } from '../http/metrics';

/* Helpers shared by the outbox's specs (outbox-relay.spec, outbox-dead-letters.spec). */

/** An organization payload as the domain events carry it. */
export const org = (id: string, metadata: Record<string, string> = {}) => ({
  object: 'organization' as const, id, name: id, allow_profiles_outside_organization: false, domains: [],
  external_id: null, metadata, created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
});

/** `bytes` characters of random text. It does not compress, so these sizes are what the relay measures and the broker sees. */
export const noise = (bytes: number) => randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64').slice(0, bytes);

/** The process's `outbox_dead_letters_total`, summed over its topics. */
export async function deadLetterCount(): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'outbox_dead_letters_total');
  return (m?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
}
