import { Injectable } from '@nestjs/common';
import type { ItContact } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';

/** The only Prisma caller for IT contacts. Every method takes the environment first. */
@Injectable()
export class ItContactsRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(environmentId: string, organizationId: string, take: number): Promise<ItContact[]> {
    return this.prisma.itContact.findMany({ where: { environmentId, organizationId }, orderBy: { id: 'desc' }, take });
  }

  count(environmentId: string, organizationId: string): Promise<number> {
    return this.prisma.itContact.count({ where: { environmentId, organizationId } });
  }

  /** null when the address is already a contact of the organization (the unique index decides). */
  async create(row: ItContact): Promise<ItContact | null> {
    const created = await this.prisma.itContact.createManyAndReturn({ data: [row], skipDuplicates: true });
    return created[0] ?? null;
  }

  findByEmails(environmentId: string, organizationId: string, emails: string[]): Promise<ItContact[]> {
    return this.prisma.itContact.findMany({ where: { environmentId, organizationId, email: { in: emails } } });
  }

  find(environmentId: string, organizationId: string, id: string): Promise<ItContact | null> {
    return this.prisma.itContact.findFirst({ where: { environmentId, organizationId, id } });
  }

  async delete(environmentId: string, organizationId: string, id: string): Promise<boolean> {
    return (await this.prisma.itContact.deleteMany({ where: { environmentId, organizationId, id } })).count > 0;
  }
}
