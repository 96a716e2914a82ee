import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '@wos/platform';
import { translator } from '../i18n/messages';
import type { PageContext } from '../pages/layout';
import { HostedPageError, type FlowSession, type Outcome } from './hosted-pages.service';
import { HostedSignUpService } from './hosted-sign-up.service';
import type { HostedFlow } from './hosted-flow.store';

const TOKEN = 'invitation-token-1';
const ctx: PageContext = { t: translator('en'), locale: 'en', brand: { name: 'Acme', logo: null, color: '#000000' }, clientId: 'client_1', csrf: 'c'.repeat(32), nonce: 'n' };

/** The sign-up service with an invitation store whose reads are counted and whose invitation can be revoked. */
function harness() {
  const state = { reads: 0, revoked: false };
  const invitations = {
    findPendingByToken: async (_env: string, token: string) => {
      state.reads++;
      if (token !== TOKEN) throw new BadRequestError('invite_not_found', 'No such invitation.');
      if (state.revoked) throw new BadRequestError('invite_revoked', 'This invitation has been revoked.');
      return { email: 'ivy@example.com', organizationId: 'org_1' };
    },
  };
  const organizations = { find: async () => ({ id: 'org_1', name: 'Invited Co' }) };
  const settings = { forEnvironment: async () => ({ signUpPolicy: 'open' }) };
  const users = { signUp: async () => assert.fail('no user may be made') };
  const signUp = new HostedSignUpService(null as never, settings as never, users as never, invitations as never, organizations as never, null as never, null as never, null as never, null as never);
  return { state, signUp };
}

function session(invitation: HostedFlow['invitation']): FlowSession {
  const flow: HostedFlow = { environmentId: 'environment_1', clientId: 'client_1', csrf: 'c'.repeat(32), request: null, invitationToken: TOKEN, invitation, email: null, signUpUserId: null, signUpMethod: null, pending: null };
  return { id: 'f'.repeat(32), flow, ip: null, userAgent: null, deviceId: 'd'.repeat(43) };
}

const html = (o: Outcome) => ('page' in o ? o.page(ctx) : assert.fail('expected a page'));

describe('HostedSignUpService: the invitation page', () => {
  test('the invitation is read once when the flow opens; renders read nothing; the submit reads it again and refuses a revoked one', async () => {
    const { state, signUp } = harness();
    const view = await signUp.openInvitation('environment_1', TOKEN);
    assert.deepEqual(view, { email: 'ivy@example.com', organizationName: 'Invited Co' });
    assert.equal(state.reads, 1);
    const s = session(view);
    for (let i = 0; i < 3; i++) {
      const page = html(await signUp.show(s));
      assert.match(page, /You were invited to join Invited Co/);
      assert.match(page, /value="ivy@example\.com"/);
    }
    assert.equal(state.reads, 1, 'a render read the invitation');

    state.revoked = true;
    await assert.rejects(signUp.submit(s, { password: 'violet Kestrel drifts 47 miles', csrf_token: s.flow.csrf }), (err) => err instanceof HostedPageError && err.body === 'invite.error');
    assert.equal(state.reads, 2, 'the submit did not check the invitation again');
  });

  test('an invitation that cannot be read when the flow opens is read on the page, which shows its error', async () => {
    const { state, signUp } = harness();
    state.revoked = true;
    assert.equal(await signUp.openInvitation('environment_1', TOKEN), null);
    await assert.rejects(signUp.show(session(null)), (err) => err instanceof HostedPageError && err.body === 'invite.error');
  });
});
