import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topic } from '@wos/contracts';
import { acceptFormBodies, startService } from '@wos/platform';
import { consumerGroupId, type AppConfig } from './config';
import { PrismaService } from './infra/prisma.service';
import { UsersModule } from './users/users.module';
import { AuthenticateModule } from './authenticate/authenticate.module';
import { EmailVerificationModule } from './email-verification/email-verification.module';
import { EmailChangeModule } from './email-change/email-change.module';
import { DeviceFlowModule } from './device-flow/device-flow.module';
import { ClientApiModule } from './client-api/client-api.module';
import { PasswordResetModule } from './password-reset/password-reset.module';
import { MagicAuthModule } from './magic-auth/magic-auth.module';
import { InvitationsModule } from './invitations/invitations.module';
import { SigningKeysModule } from './signing-keys/signing-keys.module';
import { SessionsModule } from './sessions/sessions.module';
import { MembershipsModule } from './memberships/memberships.module';
import { MfaModule } from './mfa/mfa.module';
import { AuthkitModule } from './authkit/authkit.module';
import { IdentitiesModule } from './identities/identities.module';
import { identityOpenApi } from './openapi';
import { RadarModule } from './radar/radar.module';
import { DirectoryProvisioningModule } from './directory-provisioning/directory-provisioning.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { WaitlistsModule } from './waitlists/waitlists.module';
import { PasswordlessModule } from './passwordless/passwordless.module';
import { ConnectModule } from './connect/connect.module';
import { OAuthServerModule } from './oauth-server/oauth-server.module';
import { AgentsModule } from './agents/agents.module';
import { WidgetsModule } from './widgets/widgets.module';

/** Paths the gateway forwards unsigned: the service authenticates them itself (the inbox is development only). */
export const UNSIGNED_PATHS = ['/user_management/sso/callback', '/user_management/sessions/logout', '/dev/mail', '/dev/sms', '/passwordless/confirm'];

/**
 * Paths a public client (a client ID alone) may reach: the gateway's client-ID routes to identity
 * (hosted pages and device flow, authenticate, JWKS, agent self-registration, the OAuth server
 * and its metadata) and the widgets, whose token names a client. Every other path refuses a
 * public client before routing (bootstrapService).
 */
export const PUBLIC_CLIENT_PATHS = ['/user_management/authorize', '/user_management/authenticate', '/sso/jwks', '/agent/auth', '/oauth2', '/.well-known/oauth-authorization-server/oauth2', '/widgets'];

/** Starts the service; main.ts and the integration tests both come through here. */
export function startIdentityService(config: AppConfig): Promise<NestFastifyApplication> {
  return startService({
    name: 'identity',
    config,
    kit: { prisma: PrismaService, outbox: { topics: [Topic.identity] }, consumer: { groupId: consumerGroupId(config) }, redis: true, secrets: true },
    modules: [
      UsersModule,
      AuthenticateModule,
      // Before email verification: a sign-in radar refuses gets no verification email.
      RadarModule,
      EmailVerificationModule,
      EmailChangeModule,
      PasswordResetModule,
      MagicAuthModule,
      InvitationsModule,
      SigningKeysModule,
      SessionsModule,
      MembershipsModule,
      MfaModule,
      DirectoryProvisioningModule,
      IdentitiesModule,
      AuthkitModule,
      ApiKeysModule,
      WaitlistsModule,
      PasswordlessModule,
      ConnectModule,
      OAuthServerModule,
      DeviceFlowModule,
      ClientApiModule,
      AgentsModule,
      WidgetsModule,
    ],
    http: {
      unsignedPathPrefixes: UNSIGNED_PATHS,
      publicClientPathPrefixes: PUBLIC_CLIENT_PATHS,
      openapi: identityOpenApi,
      // The hosted pages and the OAuth endpoints (token, introspect, revoke, consent) post form-encoded bodies.
      configure: (fastify) => acceptFormBodies(fastify, ['/user_management/authorize', '/oauth2'], 64 * 1024),
    },
  });
}
