import { Injectable } from '@nestjs/common';
import type { AuthkitSettings } from '../../generated/prisma/client';
import { PrismaService } from '../../infra/prisma.service';

type Columns = Partial<Pick<AuthkitSettings, 'signUpPolicy' | 'requireMfa' | 'linkOauthVerifiedEmail' | 'brandName' | 'logoDataUrl' | 'primaryColor' | 'customDomain' | 'emailFromName' | 'emailFromAddress' | 'emailReplyTo' | 'emailDelivery'>>;

/** The only Prisma caller for `authkit_settings`; one row per environment. */
@Injectable()
export class AuthkitSettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(environmentId: string): Promise<AuthkitSettings | null> {
    return this.prisma.authkitSettings.findUnique({ where: { environmentId } });
  }

  /** One statement: concurrent first writes of an environment cannot both insert. */
  upsert(environmentId: string, columns: Columns): Promise<AuthkitSettings> {
    return this.prisma.authkitSettings.upsert({
      where: { environmentId },
      create: { environmentId, ...columns },
      update: { ...columns, updatedAt: new Date() },
    });
  }
}
