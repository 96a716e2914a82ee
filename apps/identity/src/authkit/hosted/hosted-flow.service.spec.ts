import { afterEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { AuthFlowError } from '../../authenticate/authenticate.errors';
import { translator } from '../i18n/messages';
import type { PageContext } from '../pages/layout';
import { HostedFlowService } from './hosted-flow.service';
import type { FlowSession, Outcome } from './hosted-pages.service';
import type { HostedFlow } from './hosted-flow.store';
import { svgDataUrl } from './totp-qr';

const URI = 'otpauth://totp/Acme:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Acme&algorithm=SHA1&digits=6&period=30';
const ctx: PageContext = { t: translator('en'), locale: 'en', brand: { name: 'Acme', logo: null, color: '#000000' }, clientId: 'client_1', csrf: 'c'.repeat(32), nonce: 'n' };

/* Only what the enrolment step uses: the settings' brand name and the MFA enrolment. */
function service(): HostedFlowService {
  const mfa = { enroll: async () => ({ factor: { id: 'auth_factor_1', totp: { uri: URI, secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } }, challenge: { id: 'auth_challenge_1' } }) };
  const settings = { forEnvironment: async () => ({ brandName: 'Acme' }) };
  return new HostedFlowService(null as never, null as never, mfa as never, null as never, null as never, settings as never);
}

function session(): FlowSession {
  const flow: HostedFlow = { environmentId: 'environment_1', clientId: 'client_1', csrf: 'c'.repeat(32), request: null, invitationToken: null, email: null, signUpUserId: null, signUpMethod: null, pending: null };
  return { id: 'f'.repeat(32), flow, ip: null, userAgent: null, deviceId: 'd'.repeat(43) };
}

const html = (o: Outcome) => ('page' in o ? o.page(ctx) : assert.fail('expected a page'));

describe('HostedFlowService: the TOTP enrolment page', () => {
  afterEach(() => mock.restoreAll());

  test('the QR code is drawn once per flow, when the enrolment starts, and every render shows that drawing', async () => {
    const draws = mock.method(QRCode, 'toString');
    const flows = service();
    const s = session();
    const enrolment = new AuthFlowError('mfa_enrollment', 'enrol', { pending_authentication_token: 'pat_1', user: { id: 'user_1', email: 'ada@example.com' } });
    const next = await flows.advance(s, () => Promise.reject(enrolment), () => assert.fail('no retry'));
    assert.ok('redirect' in next && next.redirect.includes('/mfa/enroll'));
    assert.equal(draws.mock.callCount(), 1);
    const svg = s.flow.pending?.totpQrSvg;
    assert.match(svg ?? '', /^<svg/);
    // The flow goes to Redis as JSON and comes back for each render: the drawing travels with it.
    s.flow = JSON.parse(JSON.stringify(s.flow)) as HostedFlow;
    for (let i = 0; i < 3; i++) assert.ok(html(await flows.showEnroll(s)).includes(svgDataUrl(svg!)));
    assert.ok(html(await flows.showEnroll(s, 'mfa.error.code')).includes(svgDataUrl(svg!)));
    assert.equal(draws.mock.callCount(), 1, 'a render drew the QR code again');
  });

  test('a flow saved before the drawing was kept still shows the QR code of its URI', async () => {
    const flows = service();
    const s = session();
    s.flow.pending = { kind: 'mfa_enrollment', token: 'pat_1', userId: 'user_1', email: 'ada@example.com', factorId: 'auth_factor_1', challengeId: 'auth_challenge_1', totpUri: URI, totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' };
    const expected = svgDataUrl(await QRCode.toString(URI, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }));
    assert.ok(html(await flows.showEnroll(s)).includes(expected));
  });
});
