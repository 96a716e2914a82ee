import { Injectable } from '@nestjs/common';
import { appendToOutbox, claimInbox, pgExecutor, pgTransaction, type OutboxMessage } from '@wos/platform';
import type { TemplateSample } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';

interface TemplateSampleRow {
  id: string;
  environment_id: string;
  organization_id: string;
  name: string;
  created_at: Date;
}

/** The only Prisma caller for template samples. Every method takes the environment first. */
@Injectable()
export class TemplateSamplesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The sample and its event commit together (DESIGN.md rule 2). */
  async create(sample: TemplateSample, event: OutboxMessage): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.templateSample.create({ data: sample });
      await appendToOutbox(tx, [event]);
    });
  }

  findById(environmentId: string, id: string): Promise<TemplateSample | null> {
    return this.prisma.templateSample.findFirst({ where: { environmentId, id } });
  }

  /**
   * Deletes an organization's samples with one event each, once per consumed event: the inbox
   * row, the deletions and their events commit together, so a redelivery changes nothing. A plain
   * pg transaction: a background consumer must not race Prisma's interactive-transaction timeout.
   */
  async deleteForOrganization(
    environmentId: string,
    organizationId: string,
    inbox: { consumer: string; eventId: string },
    event: (deleted: TemplateSample) => OutboxMessage,
  ): Promise<TemplateSample[]> {
    return pgTransaction(this.prisma.pool, async (client) => {
      const raw = pgExecutor(client);
      if (!(await claimInbox(raw, inbox.consumer, inbox.eventId))) return [];
      const { rows } = await client.query<TemplateSampleRow>(
        'DELETE FROM template_samples WHERE environment_id = $1 AND organization_id = $2 RETURNING *',
        [environmentId, organizationId],
      );
      const deleted = rows
        .map((r) => ({ id: r.id, environmentId: r.environment_id, organizationId: r.organization_id, name: r.name, createdAt: r.created_at }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      await appendToOutbox(raw, deleted.map(event));
      return deleted;
    });
  }
}
