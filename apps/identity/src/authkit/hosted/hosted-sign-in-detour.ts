import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { SecretBox, SecretBoxError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { User } from '../../generated/prisma/client';
import { UsersService } from '../../users/users.service';
import { AuthorizationCodesStore, type AuthorizationCodeGrant } from '../authorization-codes.store';
import { pageUrl } from '../pages/layout';
import { HostedPageError, type FlowSession, type Outcome } from './hosted-pages.service';

const sealedSchema = z.object({ environmentId: z.string(), expiresAt: z.number(), payload: z.unknown() });
const expired = () => new HostedPageError(400, 'error.expired.body');

/**
 * A hosted page that needs its visitor signed in first (device verification, agent claims)
 * sends the flow through the ordinary hosted sign-in, every step and gate of it, to the page's
 * own callback and back. Invariants: the callback accepts only an AuthKit code issued in this
 * environment, for this client, to exactly that callback URL, and spends it once; the code
 * carries a PKCE challenge nobody holds the verifier of, so it is redeemable only there; the
 * page's state travels sealed under the page's own context, so a callback cannot be pointed at
 * another page's state or another device or attempt.
 */
@Injectable()
export class HostedSignInDetour {
  constructor(
    private readonly codes: AuthorizationCodesStore,
    private readonly users: UsersService,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The absolute callback URL of hosted page `page` for `clientId`. */
  callbackUrl(clientId: string, page: string): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}${pageUrl({ clientId }, `${page}/callback`)}`;
  }

  /** Points the flow's request at `page`'s callback, with `payload` sealed under `context` until `expiresAt`; the browser goes to sign in. */
  start(s: FlowSession, p: { page: string; context: string; payload: unknown; expiresAt: number }): Outcome {
    const state = this.box.seal(JSON.stringify({ environmentId: s.flow.environmentId, expiresAt: p.expiresAt, payload: p.payload }), p.context);
    s.flow.request = {
      clientId: s.flow.clientId,
      redirectUri: this.callbackUrl(s.flow.clientId, p.page),
      state,
      codeChallenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      organizationId: null,
      expiresAt: p.expiresAt,
    };
    return { redirect: pageUrl(s.flow, 'sign-in') };
  }

  /**
   * The callback: the sealed payload (read with `schema`), the spent code's grant and its user.
   * Anything else (a foreign or stale state, a code of another client or callback, a code spent
   * already) is the expired page.
   */
  async finish<S extends z.ZodTypeAny>(
    s: FlowSession,
    query: { code?: unknown; state?: unknown },
    p: { page: string; context: string; schema: S },
  ): Promise<{ payload: z.infer<S>; grant: AuthorizationCodeGrant; user: User }> {
    const sealed = typeof query.state === 'string' ? this.open(query.state, p.context) : null;
    if (!sealed || sealed.environmentId !== s.flow.environmentId || sealed.expiresAt < Date.now() || typeof query.code !== 'string') throw expired();
    const payload = p.schema.safeParse(sealed.payload);
    if (!payload.success) throw expired();
    const grant = await this.codes.peek(query.code);
    if (!grant || grant.environmentId !== s.flow.environmentId || grant.clientId !== s.flow.clientId || grant.redirectUri !== this.callbackUrl(s.flow.clientId, p.page)) throw expired();
    if (!(await this.codes.consume(query.code))) throw expired();
    return { payload: payload.data, grant, user: await this.users.mustFind(s.flow.environmentId, grant.userId) };
  }

  private open(sealed: string, context: string): z.infer<typeof sealedSchema> | null {
    try {
      const parsed = sealedSchema.safeParse(JSON.parse(this.box.openString(sealed.slice(0, 4096), context)));
      return parsed.success ? parsed.data : null;
    } catch (err) {
      if (err instanceof SecretBoxError || err instanceof SyntaxError) return null;
      throw err;
    }
  }
}
