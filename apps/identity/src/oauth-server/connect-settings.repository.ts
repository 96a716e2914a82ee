import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma.service';

export interface ConnectSettings {
  dynamicRegistrationEnabled: boolean;
  externalLoginUrl: string | null;
}

const DEFAULTS: ConnectSettings = { dynamicRegistrationEnabled: false, externalLoginUrl: null };

/** Per-environment switches of the authorization server. Every method takes the environment first. */
@Injectable()
export class ConnectSettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async get(environmentId: string): Promise<ConnectSettings> {
    const row = await this.prisma.connectSettings.findUnique({ where: { environmentId } });
    return row ? { dynamicRegistrationEnabled: row.dynamicRegistrationEnabled, externalLoginUrl: row.externalLoginUrl } : DEFAULTS;
  }

  async put(environmentId: string, patch: Partial<ConnectSettings>): Promise<ConnectSettings> {
    const row = await this.prisma.connectSettings.upsert({
      where: { environmentId },
      create: { environmentId, ...DEFAULTS, ...patch, updatedAt: new Date() },
      update: { ...patch, updatedAt: new Date() },
    });
    return { dynamicRegistrationEnabled: row.dynamicRegistrationEnabled, externalLoginUrl: row.externalLoginUrl };
  }
}
