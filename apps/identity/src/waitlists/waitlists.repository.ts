import { Injectable } from '@nestjs/common';
import { newId, type PageRequest } from '@wos/platform';
import { PrismaService } from '../infra/prisma.service';
import type { Prisma, Waitlist, WaitlistEntry } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/** The only Prisma caller for waitlists and their entries. Every method takes the environment first. */
@Injectable()
export class WaitlistsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  /** The environment's waitlist, created on first use (one per environment: a unique index, so concurrent first uses agree). */
  async ensure(environmentId: string): Promise<Waitlist> {
    const found = await this.prisma.waitlist.findUnique({ where: { environmentId } });
    if (found) return found;
    await this.prisma.$executeRaw`INSERT INTO waitlists (id, environment_id) VALUES (${newId('waitlist')}, ${environmentId}) ON CONFLICT (environment_id) DO NOTHING`;
    return (await this.prisma.waitlist.findUnique({ where: { environmentId } }))!;
  }

  find(environmentId: string, id: string): Promise<Waitlist | null> {
    return this.prisma.waitlist.findFirst({ where: { environmentId, id } });
  }

  findEntry(environmentId: string, id: string): Promise<WaitlistEntry | null> {
    return this.prisma.waitlistEntry.findFirst({ where: { environmentId, id } });
  }

  findEntryByEmail(environmentId: string, waitlistId: string, email: string): Promise<WaitlistEntry | null> {
    return this.prisma.waitlistEntry.findFirst({ where: { environmentId, waitlistId, email } });
  }

  /** Whether this email has an approved entry on any of the environment's waitlists. */
  async hasApprovedEntry(environmentId: string, email: string): Promise<boolean> {
    return (await this.prisma.waitlistEntry.count({ where: { environmentId, waitlist: { environmentId }, email: email.toLowerCase(), state: 'approved' }, take: 1 })) > 0;
  }

  /** Reads and locks the entry, so its state changes apply one after another. */
  async lockEntry(tx: Tx, environmentId: string, id: string): Promise<WaitlistEntry | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM waitlist_entries WHERE id = ${id} AND environment_id = ${environmentId} FOR UPDATE`;
    return rows.length ? tx.waitlistEntry.findUnique({ where: { id } }) : null;
  }

  listEntries(environmentId: string, waitlistId: string, filter: { state?: string; email?: string }, page: PageRequest): Promise<WaitlistEntry[]> {
    const where: Prisma.WaitlistEntryWhereInput = { environmentId, waitlistId };
    if (filter.state) where.state = filter.state;
    if (filter.email) where.email = filter.email;
    if (page.cursor) where.id = { [page.cursor.op]: page.cursor.id };
    return this.prisma.waitlistEntry.findMany({ where, orderBy: { id: page.direction }, take: page.take });
  }

  createEntry(tx: Tx, data: Prisma.WaitlistEntryUncheckedCreateInput): Promise<WaitlistEntry> {
    return tx.waitlistEntry.create({ data });
  }

  updateEntry(tx: Tx, environmentId: string, id: string, data: Prisma.WaitlistEntryUncheckedUpdateInput): Promise<WaitlistEntry> {
    return tx.waitlistEntry.update({ where: { id, environmentId }, data: { ...data, updatedAt: new Date() } });
  }

  async deleteEntry(environmentId: string, id: string): Promise<boolean> {
    return (await this.prisma.waitlistEntry.deleteMany({ where: { environmentId, id } })).count === 1;
  }
}
