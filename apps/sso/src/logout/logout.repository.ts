import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { Profile } from '../generated/prisma/client';

/** Profiles as the logout endpoints read them. Every method takes the environment first. */
@Injectable()
export class LogoutRepository {
  constructor(private readonly prisma: PrismaService) {}

  findProfile(environmentId: string, id: string): Promise<Profile | null> {
    return this.prisma.profile.findFirst({ where: { environmentId, id } });
  }
}
