import { Injectable } from '@nestjs/common';
import { monthPartition, parsePartitionName, partitionsAhead, type MonthPartition } from '../audit-core/partitions';
import { PartitionsRepository } from './partitions.repository';

/**
 * Keeps a partition in place for every month an event can be written to. Invariant: an insert
 * into audit_log_events happens only after ensureFor(occurred_at) returned, because the table
 * has no default partition. The set of known months is a per-process cache; a partition dropped
 * by retention is removed from it, and one dropped by hand is recreated on the next error-free
 * maintenance run (or at the next start).
 */
@Injectable()
export class PartitionsService {
  private readonly known = new Set<string>();

  constructor(private readonly repo: PartitionsRepository) {}

  async ensureFor(occurredAt: Date): Promise<void> {
    await this.ensure(monthPartition(occurredAt));
  }

  /** Forgets a month, so the next ensureFor creates its partition again. */
  forget(occurredAt: Date): void {
    this.known.delete(monthPartition(occurredAt).name);
  }

  async ensureAhead(now: Date, ahead: number): Promise<void> {
    this.known.clear();
    for (const p of partitionsAhead(now, ahead)) await this.ensure(p);
  }

  private async ensure(p: MonthPartition): Promise<void> {
    if (this.known.has(p.name)) return;
    await this.repo.create(p);
    this.known.add(p.name);
  }

  /** Drops every partition whose whole month ended before `cutoff`; returns their names. */
  async dropEndedBefore(cutoff: Date): Promise<string[]> {
    const dropped: string[] = [];
    for (const name of await this.repo.list()) {
      const p = parsePartitionName(name);
      if (!p || p.to.getTime() > cutoff.getTime()) continue;
      await this.repo.drop(p);
      this.known.delete(p.name);
      dropped.push(p.name);
    }
    return dropped;
  }
}
