import { createHash, X509Certificate } from 'node:crypto';

/** WorkOS's three SAML certificate roles (the `certificate_type` of the connection.saml_certificate_* events). */
export type SamlCertificateType = 'ResponseSigning' | 'RequestSigning' | 'ResponseEncryption';

export interface CertificateFacts {
  /** SHA-256 of the DER, lowercase hex: the certificate's stable name in routes and notices. */
  fingerprint: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

/** Facts of a PEM certificate, or undefined when it does not parse. */
export function certificateFacts(pem: string): CertificateFacts | undefined {
  try {
    const cert = new X509Certificate(pem);
    return {
      fingerprint: createHash('sha256').update(cert.raw).digest('hex'),
      subject: cert.subject.replace(/\n/g, ', '),
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
    };
  } catch {
    return undefined;
  }
}

const DAY_MS = 86_400_000;

/**
 * Notices start this many days before expiry (WorkOS: "starting at 3 months before expiration")
 * and are sent once per step; after expiry, once a week until the certificate is replaced.
 */
export const NOTICE_STEPS_DAYS = [90, 60, 30, 14, 7, 3, 1] as const;
export const EXPIRED_REPEAT_DAYS = 7;

/** Whole days until `notAfter` (negative once expired), rounded down. */
export function daysUntilExpiry(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/**
 * The notice step a certificate is in at `now`: the smallest listed step at or above the days
 * left, `0` once expired, or null when it is further out than the first step. A notice is due
 * when the step differs from the one last sent (steps only shrink as time passes), or, once
 * expired, when the last notice is a week old.
 */
export function noticeStep(notAfter: Date, now: Date): number | null {
  const days = daysUntilExpiry(notAfter, now);
  if (notAfter.getTime() <= now.getTime()) return 0;
  if (days >= NOTICE_STEPS_DAYS[0]) return null;
  let step: number = NOTICE_STEPS_DAYS[0];
  for (const s of NOTICE_STEPS_DAYS) if (days < s) step = s;
  return step;
}

export function noticeDue(notAfter: Date, now: Date, last: { step: number; sentAt: Date } | undefined): number | null {
  const step = noticeStep(notAfter, now);
  if (step === null) return null;
  if (!last || last.step !== step) return step;
  if (step === 0 && now.getTime() - last.sentAt.getTime() >= EXPIRED_REPEAT_DAYS * DAY_MS) return step;
  return null;
}
