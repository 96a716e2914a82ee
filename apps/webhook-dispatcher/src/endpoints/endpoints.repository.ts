import { Injectable } from '@nestjs/common';
import type { PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma, WebhookEndpoint } from '../generated/prisma/client';

/** The only Prisma caller for endpoints; every method is scoped by environment. */
@Injectable()
export class EndpointsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(row: Prisma.WebhookEndpointUncheckedCreateInput): Promise<WebhookEndpoint> {
    return this.prisma.webhookEndpoint.create({ data: row });
  }

  find(environmentId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.prisma.webhookEndpoint.findFirst({ where: { environmentId, id } });
  }

  list(environmentId: string, req: PageRequest): Promise<WebhookEndpoint[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: { environmentId, ...(req.cursor ? { id: { [req.cursor.op]: req.cursor.id } } : {}) },
      orderBy: { id: req.direction },
      take: req.take,
    });
  }

  /** Null when no such endpoint exists in this environment. */
  async update(environmentId: string, id: string, data: Prisma.WebhookEndpointUncheckedUpdateManyInput): Promise<WebhookEndpoint | null> {
    const { count } = await this.prisma.webhookEndpoint.updateMany({ where: { environmentId, id }, data: { ...data, updatedAt: new Date() } });
    return count ? this.find(environmentId, id) : null;
  }

  /** Deleting an endpoint deletes its pending deliveries (cascade), so nothing more is sent to it. */
  async delete(environmentId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.webhookEndpoint.deleteMany({ where: { environmentId, id } });
    return count > 0;
  }
}
