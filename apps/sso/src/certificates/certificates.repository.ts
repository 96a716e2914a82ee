import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import { ConnectionCache } from '../connections/connection-cache';
import type { ConnectionWithDomains } from '../connections/connections.dto';

export interface NoticeRow {
  connectionId: string;
  fingerprint: string;
  step: number;
  sentAt: Date;
}

/** The only Prisma caller for SAML certificates and their notices. */
@Injectable()
export class CertificatesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cache: ConnectionCache,
  ) {}

  find(environmentId: string, id: string): Promise<ConnectionWithDomains | null> {
    return this.prisma.connection.findFirst({ where: { id, environmentId }, include: { domains: { orderBy: { id: 'asc' } } } });
  }

  /**
   * Rewrites a connection's settings under a row lock, with the event the change produces, in
   * one transaction. `change` sees the locked row and returns the new settings and events, or
   * throws to refuse. Bumping updated_at makes every replica rebuild its cached SAML SP.
   */
  async updateSettings(
    environmentId: string,
    id: string,
    change: (current: ConnectionWithDomains) => { settings: Prisma.InputJsonValue; events?: OutboxMessage[] },
  ): Promise<ConnectionWithDomains | null> {
    const updated = await this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM connections WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
      if (!locked.length) return null;
      const current = (await tx.connection.findUnique({ where: { id }, include: { domains: { orderBy: { id: 'asc' } } } }))!;
      const next = change(current);
      const row = await tx.connection.update({
        where: { id },
        data: { settings: next.settings, updatedAt: new Date() },
        include: { domains: { orderBy: { id: 'asc' } } },
      });
      if (next.events?.length) await appendToOutbox(tx, next.events);
      return row;
    });
    if (updated) this.cache.changed(updated);
    return updated;
  }

  /** Active SAML connections of every environment, by ID after `afterId` (the scan pages through them). */
  activeSaml(afterId: string, take: number): Promise<ConnectionWithDomains[]> {
    return this.prisma.connection.findMany({
      where: { protocol: 'saml', state: 'active', id: { gt: afterId } },
      orderBy: { id: 'asc' },
      take,
      include: { domains: { orderBy: { id: 'asc' } } },
    });
  }

  async notices(connectionId: string): Promise<NoticeRow[]> {
    return this.prisma.samlCertificateNotice.findMany({ where: { connectionId }, select: { connectionId: true, fingerprint: true, step: true, sentAt: true } });
  }

  /**
   * Records a notice and appends its event in one transaction, unless another replica recorded
   * the same step first (the conditional upsert then changes no row and nothing is appended).
   */
  async recordNotice(environmentId: string, n: NoticeRow, previous: NoticeRow | undefined, event: OutboxMessage): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const changed = previous
        ? await tx.samlCertificateNotice.updateMany({
            where: { connectionId: n.connectionId, fingerprint: n.fingerprint, step: previous.step, sentAt: previous.sentAt },
            data: { step: n.step, sentAt: n.sentAt },
          })
        : await tx.samlCertificateNotice.createMany({ data: [{ environmentId, ...n }], skipDuplicates: true });
      if (changed.count !== 1) return false;
      await appendToOutbox(tx, [event]);
      return true;
    });
  }
}
