import { Module, type DynamicModule } from '@nestjs/common';
import { Topic } from '@wos/contracts';
import { ServiceInfraModule, type Logger } from '@wos/platform';
import { consumerGroupId, type AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { UsersModule } from './users/users.module';
import { AuthenticateModule } from './authenticate/authenticate.module';
import { EmailVerificationModule } from './email-verification/email-verification.module';
import { PasswordResetModule } from './password-reset/password-reset.module';
import { MagicAuthModule } from './magic-auth/magic-auth.module';
import { InvitationsModule } from './invitations/invitations.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { SessionsModule } from './sessions/sessions.module';
import { MembershipsModule } from './memberships/memberships.module';
import { MfaModule } from './mfa/mfa.module';
import { AuthkitModule } from './authkit/authkit.module';
import { IdentitiesModule } from './identities/identities.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfraModule.forService({
          name: 'identity',
          config,
          logger,
          prisma: PrismaService,
          outbox: { topics: [Topic.identity] },
          consumer: { groupId: consumerGroupId(config) },
          redis: true,
          secrets: true,
        }),
        UsersModule,
        AuthenticateModule,
        EmailVerificationModule,
        PasswordResetModule,
        MagicAuthModule,
        InvitationsModule,
        SigningKeysModule,
        SessionsModule,
        MembershipsModule,
        MfaModule,
        IdentitiesModule,
        AuthkitModule,
      ],
    };
  }
}
