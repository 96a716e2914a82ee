import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DevelopmentSmsSender, smsSenderFromConfig, TwilioSmsSender } from './sms-sender';

/* A fake Twilio Messages API on loopback: records each request, answers as configured. */
describe('TwilioSmsSender against a fake Messages API', () => {
  let server: Server;
  let baseUrl: string;
  let status = 201;
  const seen: { method: string; url: string; auth: string; type: string; body: URLSearchParams }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', type: req.headers['content-type'] ?? '', body: new URLSearchParams(raw) });
        res.writeHead(status, { 'content-type': 'application/json' }).end(status < 300 ? '{"sid":"SM1","status":"queued"}' : '{"code":21211,"message":"The \'To\' number is not a valid phone number."}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('posts To, From and Body form-encoded with basic auth to the account Messages resource', async () => {
    const sender = new TwilioSmsSender({ baseUrl: `${baseUrl}/`, accountSid: 'AC123', authToken: 'tok', from: '+15550001111' });
    await sender.send('+15557654321', 'Your sign-in code is 123456.');
    const r = seen.at(-1)!;
    assert.deepEqual([r.method, r.url, r.type], ['POST', '/2010-04-01/Accounts/AC123/Messages.json', 'application/x-www-form-urlencoded']);
    assert.equal(r.auth, `Basic ${Buffer.from('AC123:tok').toString('base64')}`);
    assert.deepEqual(Object.fromEntries(r.body), { To: '+15557654321', From: '+15550001111', Body: 'Your sign-in code is 123456.' });
  });

  test('a provider error is an error naming the status, without the message body', async () => {
    status = 400;
    const sender = new TwilioSmsSender({ baseUrl, accountSid: 'AC123', authToken: 'tok', from: '+15550001111' });
    await assert.rejects(sender.send('+1', 'code 654321'), (err: Error) => /answered 400/.test(err.message) && !err.message.includes('654321'));
    status = 201;
  });
});

describe('smsSenderFromConfig', () => {
  const base = { NODE_ENV: 'development', TWILIO_API_BASE_URL: 'https://api.twilio.com' };
  test('development keeps messages in memory, and refuses to send in production', async () => {
    const dev = smsSenderFromConfig({ ...base, SMS_PROVIDER: 'development' }) as DevelopmentSmsSender;
    await dev.send('+15550002222', 'hello');
    assert.deepEqual(dev.list('+15550002222').map((m) => m.body), ['hello']);
    await assert.rejects(smsSenderFromConfig({ ...base, NODE_ENV: 'production', SMS_PROVIDER: 'development' }).send('+1', 'x'));
  });
  test('twilio needs its account, token and sender', () => {
    assert.throws(() => smsSenderFromConfig({ ...base, SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1' }), /TWILIO_AUTH_TOKEN/);
    assert.ok(smsSenderFromConfig({ ...base, SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+1555' }) instanceof TwilioSmsSender);
  });
});
