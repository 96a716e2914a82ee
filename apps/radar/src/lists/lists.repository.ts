import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage } from '@wos/platform';
import type { RadarListEntry } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';

/** The only Prisma caller for list entries. Every method takes the environment first. */
@Injectable()
export class ListsRepository {
  constructor(private readonly prisma: PrismaService) {}

  all(environmentId: string): Promise<RadarListEntry[]> {
    return this.prisma.radarListEntry.findMany({ where: { environmentId } });
  }

  count(environmentId: string): Promise<number> {
    return this.prisma.radarListEntry.count({ where: { environmentId } });
  }

  /** Inserts the entry with its event, or nothing when the entry is already there (false). */
  async add(entry: RadarListEntry, event: OutboxMessage): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO radar_list_entries (id, environment_id, type, action, entry, created_at)
        VALUES (${entry.id}, ${entry.environmentId}, ${entry.type}, ${entry.action}, ${entry.entry}, ${entry.createdAt})
        ON CONFLICT (environment_id, type, action, entry) DO NOTHING`;
      if (inserted) await appendToOutbox(tx, [event]);
      return inserted > 0;
    });
  }

  /** Deletes the entry with its event; null when there was none. */
  async remove(environmentId: string, type: string, action: string, entry: string, event: (deleted: RadarListEntry) => OutboxMessage): Promise<RadarListEntry | null> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.radarListEntry.findFirst({ where: { environmentId, type, action, entry } });
      if (!found) return null;
      await tx.radarListEntry.delete({ where: { id: found.id } });
      await appendToOutbox(tx, [event(found)]);
      return found;
    });
  }
}
