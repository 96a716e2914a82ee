import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DomainError } from '@wos/platform';
import { HostedPageError, type FlowSession, type Outcome } from '../authkit/hosted/hosted-pages.service';
import { HostedSignInDetour } from '../authkit/hosted/hosted-sign-in-detour';
import { minutes } from '../email-verification/email-verification.service';
import { renderClaimCode, renderClaimConfirm, renderClaimIntro } from './agent-claim.page';
import { AgentClaimsService, CLAIM_PAGE } from './agent-claims.service';

const STATE_CONTEXT = 'agent_claim_state';
const stateSchema = z.object({ attemptId: z.string() });
const badLink = () => new HostedPageError(410, 'agent_claim.error.link');

/**
 * The hosted claim page, on the hosted pages' flows (like the device verification page): the
 * emailed link opens it, the human signs in through the ordinary hosted sign-in (every step and
 * gate), comes back to the page's callback with an AuthKit code issued to that callback only,
 * confirms (choosing the organization when they have several), and is shown the user code.
 * Invariants: the attempt is linked only to the user whose AuthKit code the callback spent (this
 * environment, this client, exactly this callback URL), and only by an explicit confirmation
 * posted from the same browser flow (cookie and CSRF token); the sign-in's code carries a PKCE
 * challenge nobody holds the verifier of, so it is redeemable only here; the state is sealed.
 */
@Injectable()
export class AgentClaimPageService {
  constructor(
    private readonly claims: AgentClaimsService,
    private readonly detour: HostedSignInDetour,
  ) {}

  /** The link's landing: the attempt must still be open; the flow remembers it, not its token. */
  async show(s: FlowSession, token: unknown): Promise<Outcome> {
    const a = await this.claims.openAttempt(s.flow.environmentId, s.flow.clientId, token);
    if (!a) throw badLink();
    s.flow.agentClaim = { attemptId: a.id };
    return { page: (ctx) => renderClaimIntro(ctx, { email: a.email }) };
  }

  /** "Continue": the flow now carries an authorize request for this page's callback, and the browser signs in. */
  async continue(s: FlowSession): Promise<Outcome> {
    const a = s.flow.agentClaim ? await this.claims.findAttempt(s.flow.environmentId, s.flow.agentClaim.attemptId) : null;
    if (!a || a.claimedAt || a.supersededAt || a.expiresAt <= new Date()) throw badLink();
    return this.detour.start(s, { page: CLAIM_PAGE, context: STATE_CONTEXT, payload: { attemptId: a.id }, expiresAt: a.expiresAt.getTime() });
  }

  /** The sign-in's return: spends the AuthKit code; the signed-in user is asked to confirm. */
  async callback(s: FlowSession, query: { code?: unknown; state?: unknown }): Promise<Outcome> {
    const { payload: st, grant, user } = await this.detour.finish(s, query, { page: CLAIM_PAGE, context: STATE_CONTEXT, schema: stateSchema });
    const organizations = await this.claims.organizationsOf(s.flow.environmentId, user.id);
    s.flow.agentClaim = { attemptId: st.attemptId, signedIn: { userId: user.id, email: user.email, organizationId: grant.organizationId, organizations } };
    // The sign-in may have picked an organization; then that is the placement, and there is no choice to show.
    const shown = grant.organizationId ? [] : organizations;
    return { page: (ctx) => renderClaimConfirm(ctx, { email: user.email, organizations: shown }) };
  }

  /** "Claim the agent": links the signed-in user and shows the user code once; the flow ends. */
  async confirm(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const step = s.flow.agentClaim;
    if (!step?.signedIn) throw new HostedPageError(400, 'error.expired.body');
    const a = await this.claims.findAttempt(s.flow.environmentId, step.attemptId);
    if (!a) throw badLink();
    const asked = step.signedIn.organizationId ?? (typeof body.organization_id === 'string' ? body.organization_id.slice(0, 64) : null);
    try {
      const linked = await this.claims.linkVerifiedUser(s.flow.environmentId, a, { id: step.signedIn.userId, email: step.signedIn.email }, asked);
      s.ended = true;
      const left = minutes((linked.expiresAt.getTime() - Date.now()) / 1000);
      return { page: (ctx) => renderClaimCode(ctx, { userCode: linked.userCode, minutes: left }) };
    } catch (err) {
      if (err instanceof DomainError && err.status < 500) throw badLink();
      throw err;
    }
  }
}
