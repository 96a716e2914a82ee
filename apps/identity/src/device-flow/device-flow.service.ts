import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config';
import { ClientIdsClient } from '../agents/client-ids.client';
import { AuthenticateGrants, type GrantContext, type GrantResult } from '../authenticate/authenticate.grants';
import { invalidGrant, InvalidGrantError } from '../authenticate/authenticate.errors';
import { AuthenticateThrottle } from '../authenticate/authenticate.throttle';
import { ssoSignInOf } from '../authenticate/sso-sign-in';
import { UsersService } from '../users/users.service';
import { DeviceCodesStore } from './device-codes.store';
import { deviceCodeGrantSchema, formatUserCode, type DeviceAuthorizationWire } from './device-flow.dto';
import { VERIFY_PAGE } from './device.page';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The OAuth 2.0 device authorization grant (RFC 8628): `POST /user_management/authorize/device`
 * starts it, the user approves on the verification page (DeviceVerificationService), and the
 * device polls `POST /user_management/authenticate` with the device code. Invariants: a device
 * code is redeemed only by the client it was issued to, in its environment, once, and only
 * after a user signed in on the verification page (every hosted sign-in gate passed) and
 * approved it; until then the poll answers RFC 8628 §3.5's errors, and polling faster than the
 * interval answers slow_down and lengthens the interval by 5 s.
 */
@Injectable()
export class DeviceFlowService implements OnModuleInit {
  constructor(
    private readonly store: DeviceCodesStore,
    private readonly grants: AuthenticateGrants,
    private readonly throttle: AuthenticateThrottle,
    private readonly users: UsersService,
    private readonly clientIds: ClientIdsClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.grants.register(DEVICE_CODE_GRANT, {
      schema: deviceCodeGrantSchema,
      // A device is a public client (no secret); the sign-in's own event was written on the page.
      allowPublicClient: true,
      handle: (input, ctx) => this.redeem(input, ctx),
    });
  }

  /** RFC 8628 §3.1–3.2. `signedClientId` is the gateway's (public client); an API-key caller names one of the environment's. */
  async create(environmentId: string, signedClientId: string | undefined, clientId: string, ip: string | null): Promise<DeviceAuthorizationWire> {
    if (signedClientId ? signedClientId !== clientId : !(await this.clientIds.of(environmentId)).includes(clientId)) {
      throw new InvalidGrantError('The client_id is not a client of this environment.', 'invalid_client');
    }
    await this.throttle.hit(environmentId, 'form:device_authorization', ip ?? 'unknown', this.config.DEVICE_AUTHORIZATION_LIMIT_PER_MINUTE);
    const ttl = this.config.DEVICE_CODE_TTL_SECONDS;
    const interval = this.config.DEVICE_POLL_INTERVAL_SECONDS;
    const { deviceCode, userCode } = await this.store.create(environmentId, clientId, ttl, interval);
    const page = new URL(`${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/user_management/authorize/${VERIFY_PAGE}`);
    page.searchParams.set('client_id', clientId);
    const complete = new URL(page);
    complete.searchParams.set('user_code', formatUserCode(userCode));
    return { device_code: deviceCode, user_code: formatUserCode(userCode), verification_uri: page.toString(), verification_uri_complete: complete.toString(), expires_in: ttl, interval };
  }

  /** The device's poll (RFC 8628 §3.4–3.5). */
  private async redeem(input: z.infer<typeof deviceCodeGrantSchema>, ctx: GrantContext): Promise<GrantResult> {
    const invalid = () => invalidGrant('The device code is invalid, expired or already used.');
    const d = await this.store.peek(ctx.environmentId, input.device_code);
    if (!d) throw invalid();
    if (ctx.clientId !== d.clientId) throw invalidGrant('The device code was not issued to this client_id.');
    const r = await this.store.poll(ctx.environmentId, input.device_code);
    switch (r.kind) {
      case 'unknown':
        throw invalid();
      case 'expired':
        throw new InvalidGrantError('The device code has expired; start a new device authorization.', 'expired_token');
      case 'slow_down':
        throw new InvalidGrantError('Polling faster than the interval; the interval is now 5 seconds longer.', 'slow_down');
      case 'pending':
        throw new InvalidGrantError('The user has not approved the device yet.', 'authorization_pending');
      case 'denied':
        throw new InvalidGrantError('The user denied the device.', 'access_denied');
      case 'approved': {
        const user = await this.users.findById(ctx.environmentId, r.approval.userId);
        if (!user) throw invalidGrant('The user who approved the device no longer exists.');
        // The page ran every sign-in step, MFA included; the pipeline checks the membership again.
        return { user, organizationId: r.approval.organizationId, method: r.approval.method, sso: ssoSignInOf(r.approval.sso), skipMfa: true };
      }
    }
  }
}
