import { Inject, Injectable } from '@nestjs/common';
import { randomToken, REDIS, SecretBox, SecretBoxError, sha256Hex, type Redis } from '@wos/platform';
import type { AuthenticationMethod } from '../../authenticate/authenticate.grants';
import type { SsoSignIn } from '../../authenticate/sso-sign-in';
import type { AuthorizationRequest } from '../authorization-request';

/** The next step of a sign-in the pipeline asked for, with what the page needs to show it. */
export interface PendingStep {
  kind: 'email_verification' | 'mfa_challenge' | 'mfa_enrollment' | 'organization_selection' | 'radar_challenge';
  /** The pipeline's pending_authentication_token for the grant that completes the step. */
  token: string;
  userId: string;
  email: string;
  organizations?: Array<{ id: string; name: string }>;
  factorId?: string;
  /** The MFA challenge (mfa_*), or the radar challenge (radar_challenge) the code answers. */
  challengeId?: string;
  /** TOTP enrolment: the otpauth URI and key, shown again if the first code is wrong. */
  totpUri?: string;
  totpSecret?: string;
  /** TOTP enrolment: the URI's QR code (SVG), drawn once when the step began (totp-qr.ts). */
  totpQrSvg?: string;
}

/**
 * One browser's way through the hosted pages. Invariants: the app's authorize request inside was
 * checked by the gateway and never comes from a form; the flow belongs to one environment and
 * client, and every page refuses a flow of another; the CSRF token is random per flow.
 */
export interface HostedFlow {
  environmentId: string;
  clientId: string;
  csrf: string;
  /** The app's authorize request; null for a flow opened from an emailed link (password reset). */
  request: AuthorizationRequest | null;
  invitationToken: string | null;
  /**
   * What the sign-up page shows about the flow's invitation (its address, its organization's
   * name), read once when the flow was opened so that renders need no database. Display only:
   * the submit checks the invitation again (pending, not revoked or expired) before acting.
   * Null (or absent, a flow opened before this field) when it could not be read then: each
   * render reads it, and an invalid invitation shows its error page.
   */
  invitation?: InvitationView | null;
  /** The address the current step is about (a magic code, a sign-up's verification). */
  email: string | null;
  /** A hosted sign-up waiting for its email verification code (no pending token: the user proved nothing yet). */
  signUpUserId: string | null;
  signUpMethod: AuthenticationMethod | null;
  pending: PendingStep | null;
  /**
   * A sign-in the pipeline refused with 403 `sso_required`: the address, and the SSO connection
   * that granted the membership (null when the refusal named none). The sso-required page offers
   * that connection; nothing else about the refused sign-in is kept.
   */
  ssoRequired?: { email: string; connectionId: string | null } | null;
  /**
   * The device verification page (device-flow/): the authorization whose user code was entered,
   * and, once the browser signed in, who would approve it. Absent on every other flow.
   */
  device?: DeviceStep | null;
  /**
   * The agent claim page (agents/): the claim attempt its link named, and, once the browser
   * signed in, who would claim it and where. Absent on every other flow.
   */
  agentClaim?: AgentClaimStep | null;
}

/** An invitation as the sign-up page shows it. */
export interface InvitationView {
  email: string;
  organizationName: string | null;
}

/** A claim attempt being claimed on the agent claim page; `signedIn` only from the callback's spent AuthKit code. */
export interface AgentClaimStep {
  attemptId: string;
  signedIn?: { userId: string; email: string; organizationId: string | null; organizations: Array<{ id: string; name: string }> };
}

/** A device authorization (by the SHA-256 of its device code) being approved on the verification page. */
export interface DeviceStep {
  hash: string;
  userCode: string;
  approval?: { userId: string; email: string; organizationId: string | null; method: AuthenticationMethod; sso: SsoSignIn | null };
}

/** What opens a flow (the rest starts empty). */
export type FlowStart = Pick<HostedFlow, 'environmentId' | 'clientId' | 'request' | 'invitationToken'> & Pick<Partial<HostedFlow>, 'invitation' | 'device' | 'agentClaim'>;

export const FLOW_COOKIE = 'wos_authkit';
/* Long enough to fetch a code from a mailbox; each read and each save extends it. */
export const FLOW_TTL_SECONDS = 30 * 60;
/* A flow's ID and its CSRF token are each randomToken(24): 32 base64url characters (create() below). */
const TOKEN_OF_A_FLOW = /^[A-Za-z0-9_-]{32}$/;
/** False for a string no flow's CSRF token can equal: a form carrying it is refused without reading any flow. */
export const mayBeCsrfToken = (token: string) => TOKEN_OF_A_FLOW.test(token);

/**
 * Flows live in Redis under the SHA-256 of the cookie's value, sealed with SecretBox (AAD = that
 * key): a Redis dump reveals neither pending tokens nor TOTP keys, and holds no usable flow ID.
 */
@Injectable()
export class HostedFlowStore {
  /**
   * The JSON of each flow object as last read or written. Invariant: an entry equals what Redis
   * holds for that flow unless another request changed it since, so save() of an unchanged flow
   * writes nothing (and cannot overwrite a concurrent request's change with a stale copy).
   */
  private readonly persisted = new WeakMap<HostedFlow, string>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly box: SecretBox,
  ) {}

  async create(init: FlowStart): Promise<{ id: string; flow: HostedFlow }> {
    const id = randomToken(24);
    const flow: HostedFlow = { ...init, csrf: randomToken(24), email: null, signUpUserId: null, signUpMethod: null, pending: null };
    await this.save(id, flow);
    return { id, flow };
  }

  async load(id: string | undefined): Promise<HostedFlow | null> {
    if (!id || !TOKEN_OF_A_FLOW.test(id)) return null;
    const k = key(id);
    // Every read extends the flow's life (GETEX), so a page view needs no write to keep it.
    const sealed = await this.redis.getex(k, 'EX', FLOW_TTL_SECONDS);
    if (!sealed) return null;
    try {
      const json = this.box.openString(sealed, k);
      const flow = JSON.parse(json) as HostedFlow;
      this.persisted.set(flow, json);
      return flow;
    } catch (err) {
      if (err instanceof SecretBoxError || err instanceof SyntaxError) return null;
      throw err;
    }
  }

  /** Writes the flow (and extends its life), unless it is unchanged since it was read or written. */
  async save(id: string, flow: HostedFlow): Promise<void> {
    const json = JSON.stringify(flow);
    if (this.persisted.get(flow) === json) return;
    const k = key(id);
    await this.redis.set(k, this.box.seal(json, k), 'EX', FLOW_TTL_SECONDS);
    this.persisted.set(flow, json);
  }

  async end(id: string): Promise<void> {
    await this.redis.del(key(id));
  }
}

const key = (id: string) => `identity:authkit:flow:${sha256Hex(id)}`;
