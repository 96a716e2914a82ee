import { Injectable } from '@nestjs/common';
import type { DirectoryUserLink } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma.service';
import type { Tx } from '../memberships/memberships.repository';

/** The only Prisma caller for directory user links; every method takes the environment first. */
@Injectable()
export class DirectoryUserLinksRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(environmentId: string, directoryUserId: string, tx: Tx | PrismaService = this.prisma): Promise<DirectoryUserLink | null> {
    return tx.directoryUserLink.findUnique({ where: { environmentId_directoryUserId: { environmentId, directoryUserId } } });
  }

  /** Links the directory user to the user unless it is linked already (the first link stays). */
  async link(tx: Tx, environmentId: string, l: { directoryUserId: string; directoryId: string; organizationId: string; userId: string }): Promise<void> {
    await tx.directoryUserLink.createMany({ data: [{ environmentId, ...l }], skipDuplicates: true });
  }

  async unlink(tx: Tx, environmentId: string, directoryUserId: string): Promise<void> {
    await tx.directoryUserLink.deleteMany({ where: { environmentId, directoryUserId } });
  }

  /** Removes and returns every link of a deleted directory. */
  async removeDirectory(tx: Tx, environmentId: string, directoryId: string): Promise<DirectoryUserLink[]> {
    const links = await tx.directoryUserLink.findMany({ where: { environmentId, directoryId } });
    await tx.directoryUserLink.deleteMany({ where: { environmentId, directoryId } });
    return links;
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }
}
