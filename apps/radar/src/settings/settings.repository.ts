import { Injectable } from '@nestjs/common';
import { appendToOutbox, type OutboxMessage } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { RadarSettings } from '../radar-core/settings';

/** The only Prisma caller for Radar settings. */
@Injectable()
export class SettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(environmentId: string): Promise<unknown> {
    return (await this.prisma.radarSettings.findUnique({ where: { environmentId } }))?.settings;
  }

  /** The new settings and their event commit together; the row is locked so concurrent patches serialise. */
  async update(environmentId: string, apply: (current: unknown) => RadarSettings, event: (s: RadarSettings, at: Date) => OutboxMessage): Promise<RadarSettings> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO radar_settings (environment_id, settings) VALUES (${environmentId}, '{}'::jsonb) ON CONFLICT DO NOTHING`;
      const rows = await tx.$queryRaw<{ settings: unknown }[]>`SELECT settings FROM radar_settings WHERE environment_id = ${environmentId} FOR UPDATE`;
      const next = apply(rows[0]?.settings);
      const at = new Date();
      await tx.radarSettings.update({ where: { environmentId }, data: { settings: next, updatedAt: at } });
      await appendToOutbox(tx, [event(next, at)]);
      return next;
    });
  }
}
