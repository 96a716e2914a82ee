import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma } from '../generated/prisma/client';

export interface DeliveryRow {
  id: bigint;
  environment_id: string;
  template: string;
  entity_id: string;
  recipient: string;
  vars: Record<string, string>;
  attempts: number;
}

/** The only caller for email_deliveries. */
@Injectable()
export class MailOutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(tx: Prisma.TransactionClient, row: { environmentId: string; template: string; entityId: string; recipient: string; vars: Record<string, string> }): Promise<void> {
    await tx.emailDelivery.create({ data: row });
  }

  /**
   * Leases up to `limit` due rows: each gets its attempt counted and is hidden for `leaseMs`.
   * Invariant: SKIP LOCKED plus the lease means two senders (replicas) never take the same row,
   * and a sender that dies mid-send only delays the row until the lease runs out.
   */
  lease(limit: number, leaseMs: number): Promise<DeliveryRow[]> {
    return this.prisma.$queryRawUnsafe<DeliveryRow[]>(
      `UPDATE email_deliveries SET attempts = attempts + 1, next_attempt_at = now() + ($2 || ' milliseconds')::interval
       WHERE id IN (
         SELECT id FROM email_deliveries
         WHERE sent_at IS NULL AND closed_reason IS NULL AND next_attempt_at <= now()
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, environment_id, template, entity_id, recipient, vars, attempts`,
      limit,
      String(leaseMs),
    );
  }

  async markSent(id: bigint): Promise<void> {
    await this.prisma.emailDelivery.update({ where: { id }, data: { sentAt: new Date(), lastError: null } });
  }

  /** Development inbox: the email counts as sent and its sealed rendering is kept on the row. */
  async keepInInbox(id: bigint, sealed: string): Promise<void> {
    await this.prisma.emailDelivery.update({ where: { id }, data: { sentAt: new Date(), lastError: null, inboxCopy: sealed } });
  }

  /** The newest inbox emails of every environment, optionally to one recipient. */
  inbox(limit: number, recipient?: string): Promise<{ id: bigint; environmentId: string; template: string; recipient: string; inboxCopy: string | null; sentAt: Date | null }[]> {
    return this.prisma.emailDelivery.findMany({
      where: { inboxCopy: { not: null }, ...(recipient ? { recipient: { equals: recipient, mode: 'insensitive' } } : {}) },
      orderBy: { id: 'desc' },
      take: limit,
      select: { id: true, environmentId: true, template: true, recipient: true, inboxCopy: true, sentAt: true },
    });
  }

  async retryLater(id: bigint, delayMs: number, error: string): Promise<void> {
    await this.prisma.emailDelivery.update({ where: { id }, data: { nextAttemptAt: new Date(Date.now() + delayMs), lastError: error.slice(0, 1000) } });
  }

  async close(id: bigint, reason: string): Promise<void> {
    await this.prisma.emailDelivery.update({ where: { id }, data: { closedReason: reason.slice(0, 1000) } });
  }
}
