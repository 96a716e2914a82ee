import { ConfigError } from '@wos/platform';

/** The port radar SMS challenges are sent through. `to` is E.164; the body holds the code. */
export interface SmsSender {
  send(to: string, body: string): Promise<void>;
}
export const SMS_SENDER = Symbol('SMS_SENDER');

export interface DevSms {
  to: string;
  body: string;
  sent_at: string;
}

/**
 * Development adapter: keeps the last 200 messages in this process's memory for
 * GET /dev/sms/messages. Never logs the body (it holds a code). In production it refuses.
 */
export class DevelopmentSmsSender implements SmsSender {
  private readonly messages: DevSms[] = [];

  constructor(readonly production: boolean) {}

  async send(to: string, body: string): Promise<void> {
    if (this.production) throw new Error('SMS_PROVIDER=development does not send in production');
    this.messages.unshift({ to, body, sent_at: new Date().toISOString() });
    this.messages.length = Math.min(this.messages.length, 200);
  }

  list(to?: string): DevSms[] {
    return to ? this.messages.filter((m) => m.to === to) : [...this.messages];
  }
}

export interface TwilioOptions {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  timeoutMs?: number;
}

/** A Twilio-compatible Messages API: `POST /2010-04-01/Accounts/<sid>/Messages.json`, form-encoded, basic auth. */
export class TwilioSmsSender implements SmsSender {
  constructor(private readonly o: TwilioOptions) {}

  async send(to: string, body: string): Promise<void> {
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.o.accountSid)}/Messages.json`;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${this.o.accountSid}:${this.o.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: to, From: this.o.from, Body: body }).toString(),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    // The provider's error text names the problem; it never contains our message body.
    if (!res.ok) throw new Error(`SMS provider answered ${res.status}: ${text.slice(0, 200)}`);
  }
}

export function smsSenderFromConfig(c: {
  SMS_PROVIDER: 'development' | 'twilio';
  NODE_ENV: string;
  TWILIO_API_BASE_URL: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_FROM?: string;
}): SmsSender {
  if (c.SMS_PROVIDER === 'development') return new DevelopmentSmsSender(c.NODE_ENV === 'production');
  if (!c.TWILIO_ACCOUNT_SID || !c.TWILIO_AUTH_TOKEN || !c.TWILIO_FROM) {
    throw new ConfigError('Invalid configuration:\n  SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM');
  }
  return new TwilioSmsSender({ baseUrl: c.TWILIO_API_BASE_URL, accountSid: c.TWILIO_ACCOUNT_SID, authToken: c.TWILIO_AUTH_TOKEN, from: c.TWILIO_FROM });
}
