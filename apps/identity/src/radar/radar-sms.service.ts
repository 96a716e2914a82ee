import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, NotFoundError, REDIS, sha256Hex, type Logger, type Redis } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { AuthenticateGrants, type GrantContext, type GrantResult } from '../authenticate/authenticate.grants';
import { PendingAuthService } from '../authenticate/pending-auth.service';
import { OneTimeSecretsService } from '../email-flows/one-time-secrets.service';
import { SendThrottle } from '../email-flows/send-throttle.service';
import { UsersService } from '../users/users.service';
import { RADAR_SMS_GRANT, RadarChallengeService } from './radar-challenge.service';
import { SMS_SENDER, type SmsSender } from './sms-sender';
import { toRadarChallengeWire, type RadarChallengeWire } from './radar-challenge.dto';

const e164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'phone_number must be an E.164 number (+ and 7 to 15 digits)');

/** `sendRadarSmsChallenge` body (WORKOS_API.md §7.2). */
export const sendRadarSmsSchema = z.object({
  user_id: z.string().min(1).max(64),
  pending_authentication_token: z.string().min(1).max(256),
  phone_number: e164,
  ip_address: z.string().max(64).optional(),
  user_agent: z.string().max(1024).optional(),
});
export type SendRadarSmsInput = z.infer<typeof sendRadarSmsSchema>;

export const radarSmsGrantSchema = z.object({
  code: z.string().min(1).max(64),
  verification_id: z.string().min(1).max(64),
  phone_number: e164,
  pending_authentication_token: z.string().min(1).max(256),
});

const phoneKey = (environmentId: string, challengeId: string) => `identity:radar-sms-phone:${environmentId}:${challengeId}`;

/**
 * The SMS form of a radar challenge: the app collects a phone number and asks for a code by SMS
 * for a sign-in radar challenged (its pending token). The code is a radar challenge code like
 * the emailed one (the newer supersedes the older); the grant must name the same phone number.
 */
@Injectable()
export class RadarSmsService implements OnModuleInit {
  private readonly log: Logger;

  constructor(
    private readonly challenges: RadarChallengeService,
    private readonly grants: AuthenticateGrants,
    private readonly pending: PendingAuthService,
    private readonly secrets: OneTimeSecretsService,
    private readonly throttle: SendThrottle,
    private readonly users: UsersService,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: RadarSmsService.name });
  }

  onModuleInit(): void {
    this.grants.register(RADAR_SMS_GRANT, {
      schema: radarSmsGrantSchema,
      throttleKeyOf: (input) => `pending:${sha256Hex(input.pending_authentication_token)}`,
      handle: (input, ctx) => this.authenticate(input, ctx),
    });
  }

  /**
   * GET /user_management/radar_challenges/:id: an email or SMS challenge of this environment,
   * with its code (as WorkOS answers it to the API key). An SMS challenge is one whose phone
   * binding is still held (it lasts as long as the code).
   */
  async get(environmentId: string, id: string): Promise<RadarChallengeWire> {
    const row = await this.secrets.find(environmentId, 'radar_challenge', id);
    if (!row) throw new NotFoundError('a radar challenge', id);
    const sms = (await this.redis.exists(phoneKey(environmentId, id))) === 1;
    return toRadarChallengeWire(row, this.secrets.reveal(row), sms ? 'sms' : 'email');
  }

  /** POST /user_management/radar_challenges → `{verification_id, phone_number}`. */
  async send(environmentId: string, input: SendRadarSmsInput): Promise<{ verification_id: string; phone_number: string }> {
    const pending = await this.pending.peek(environmentId, input.pending_authentication_token, ['radar_challenge']);
    if (pending.userId !== input.user_id) throw new DomainError(400, 'invalid_pending_authentication_token', 'The pending authentication token does not belong to this user.');
    const user = await this.users.mustFind(environmentId, input.user_id);
    await this.throttle.hit(environmentId, 'radar_sms', user.id);
    const ttl = this.config.RADAR_CHALLENGE_TTL_SECONDS;
    const { id, secret } = await this.secrets.transaction(async (tx) => {
      const { row, secret: code } = await this.secrets.issue(tx, { environmentId, kind: 'radar_challenge', userId: user.id, email: user.email, ttlSeconds: ttl });
      return { id: row.id, secret: code };
    });
    await this.redis.set(phoneKey(environmentId, id), input.phone_number, 'EX', ttl);
    try {
      await this.sms.send(input.phone_number, `Your sign-in code is ${secret}. It expires in ${Math.round(ttl / 60)} minutes.`);
    } catch (err) {
      this.log.warn({ environment_id: environmentId, user_id: user.id, err: (err as Error).message }, 'radar SMS challenge not sent');
      throw new DomainError(503, 'sms_unavailable', 'The SMS could not be sent; try again or use the email challenge.');
    }
    return { verification_id: id, phone_number: input.phone_number };
  }

  private authenticate(input: z.infer<typeof radarSmsGrantSchema>, ctx: GrantContext): Promise<GrantResult> {
    return this.challenges.spend(ctx, {
      code: input.code,
      challengeId: input.verification_id,
      pendingToken: input.pending_authentication_token,
      accept: async (id) => (await this.redis.get(phoneKey(ctx.environmentId, id))) === input.phone_number,
    });
  }
}
