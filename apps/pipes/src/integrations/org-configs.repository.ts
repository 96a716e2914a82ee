import { Injectable } from '@nestjs/common';
import type { OrganizationIntegrationConfig } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';
import { TokenLookupCache } from './token-lookup.cache';

export type OrgConfigRow = OrganizationIntegrationConfig;

/** The only Prisma caller for organizations' provider settings. Every method takes the environment first. */
@Injectable()
export class OrgConfigsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly lookups: TokenLookupCache,
  ) {}

  find(environmentId: string, organizationId: string, slug: string): Promise<OrganizationIntegrationConfig | null> {
    return this.prisma.organizationIntegrationConfig.findUnique({ where: { environmentId_organizationId_slug: { environmentId, organizationId, slug } } });
  }

  listForOrganization(environmentId: string, organizationId: string): Promise<OrganizationIntegrationConfig[]> {
    return this.prisma.organizationIntegrationConfig.findMany({ where: { environmentId, organizationId }, take: 500 });
  }

  /** Creates or changes the row (`create` is used when none exists; `changes` otherwise). */
  async upsert(environmentId: string, organizationId: string, slug: string, create: Omit<OrganizationIntegrationConfig, 'config'> & { config: Record<string, string> }, changes: Record<string, unknown>): Promise<OrganizationIntegrationConfig> {
    try {
      return await this.prisma.organizationIntegrationConfig.upsert({
        where: { environmentId_organizationId_slug: { environmentId, organizationId, slug } },
        create,
        update: { ...changes, updatedAt: new Date() },
      });
    } finally {
      this.lookups.changed(environmentId); // the trigger's NOTIFY tells the other replicas
    }
  }
}
