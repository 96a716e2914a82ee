import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';
import type { JwtTemplate } from '../generated/prisma/client';

/** The only caller of jwt_templates (one row per environment). */
@Injectable()
export class JwtTemplatesRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(environmentId: string): Promise<JwtTemplate | null> {
    return this.prisma.jwtTemplate.findUnique({ where: { environmentId } });
  }

  save(environmentId: string, content: string): Promise<JwtTemplate> {
    return this.prisma.jwtTemplate.upsert({ where: { environmentId }, create: { environmentId, content }, update: { content, updatedAt: new Date() } });
  }
}
