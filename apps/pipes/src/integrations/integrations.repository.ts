import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import { Prisma, type DataIntegration } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';
import { TokenLookupCache } from './token-lookup.cache';

export type IntegrationRow = DataIntegration;
export type IntegrationChanges = Partial<Omit<DataIntegration, 'id' | 'environmentId' | 'createdAt' | 'customProvider' | 'config'>> & {
  customProvider?: Record<string, unknown>;
};

/** The only Prisma caller for data integrations. Every method takes the environment first. */
@Injectable()
export class IntegrationsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lookups: TokenLookupCache,
  ) {}

  findBySlug(environmentId: string, slug: string, ownership: string): Promise<DataIntegration | null> {
    return this.prisma.dataIntegration.findUnique({ where: { environmentId_slug_ownership: { environmentId, slug, ownership } } });
  }

  findById(environmentId: string, id: string): Promise<DataIntegration | null> {
    return this.prisma.dataIntegration.findFirst({ where: { environmentId, id } });
  }

  listByOwnership(environmentId: string, ownership: string): Promise<DataIntegration[]> {
    return this.prisma.dataIntegration.findMany({ where: { environmentId, ownership }, orderBy: { id: 'asc' }, take: 500 });
  }

  page(environmentId: string, ownership: string | undefined, req: PageRequest): Promise<DataIntegration[]> {
    return this.prisma.dataIntegration.findMany({
      where: { environmentId, ...(ownership ? { ownership } : {}), ...(req.cursor ? { id: { [req.cursor.op]: req.cursor.id } } : {}) },
      orderBy: { id: req.direction },
      take: req.take,
    });
  }

  insertInput(row: Omit<DataIntegration, 'customProvider' | 'config'> & { customProvider: Record<string, unknown> | null; config: Record<string, string> }): Prisma.DataIntegrationCreateInput {
    const { customProvider, config, ...rest } = row;
    return { ...rest, customProvider: customProvider === null ? Prisma.DbNull : (customProvider as Prisma.InputJsonValue), config };
  }

  async update(environmentId: string, id: string, changes: IntegrationChanges): Promise<DataIntegration> {
    const { customProvider, ...rest } = changes;
    try {
      return await this.prisma.dataIntegration.update({
        where: { id, environmentId },
        data: { ...rest, ...(customProvider ? { customProvider: customProvider as Prisma.InputJsonValue } : {}), updatedAt: new Date() },
      });
    } finally {
      this.lookups.changed(environmentId); // the trigger's NOTIFY tells the other replicas
    }
  }
}
