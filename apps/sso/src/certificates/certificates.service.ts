import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '@wos/platform';
import { hasIdShape } from '@wos/contracts';
import type { Prisma } from '../generated/prisma/client';
import type { ConnectionWithDomains, SamlSettings } from '../connections/connections.dto';
import { normaliseCertificate } from '../saml/saml-certs';
import { certificateFacts, daysUntilExpiry, noticeDue, type CertificateFacts, type SamlCertificateType } from './certificate-schedule';
import { CertificatesRepository } from './certificates.repository';
import { FINGERPRINT, type AddCertificateInput, type SamlCertificateWire } from './certificates.dto';
import { renewalRequiredEvent, renewedEvent } from './certificates.events';

/** At most this many IdP certificates per connection (a rollover needs two; the create schema allows five). */
const MAX_IDP_CERTIFICATES = 5;
const SCAN_PAGE = 200;

interface Held extends CertificateFacts {
  type: SamlCertificateType;
  pem: string;
}

/**
 * A SAML connection's certificates: listing with expiry, renewal (a new IdP signing certificate
 * added beside the old ones, so sign-ins keep working through an IdP's rollover), removal, and
 * the scan that announces expiry. Invariants: a connection always keeps at least one IdP
 * certificate; every renewal writes connection.saml_certificate_renewed with the settings in one
 * transaction; each notice step is announced once per certificate, whatever the replica count.
 */
@Injectable()
export class CertificatesService {
  constructor(private readonly repo: CertificatesRepository) {}

  async list(environmentId: string, id: string): Promise<{ object: 'list'; data: SamlCertificateWire[] }> {
    const c = await this.mustFindSaml(environmentId, id);
    const now = new Date();
    return { object: 'list', data: held(c).map((h) => toWire(h, now)) };
  }

  async add(environmentId: string, id: string, input: AddCertificateInput): Promise<{ object: 'list'; data: SamlCertificateWire[] }> {
    await this.mustFindSaml(environmentId, id);
    const pem = normaliseCertificate(input.certificate);
    const facts = pem ? certificateFacts(pem) : undefined;
    if (!pem || !facts) throw refused('invalid_certificate', 'certificate is not an X.509 certificate in PEM or base64 DER.');
    const now = new Date();
    if (facts.notAfter <= now) throw refused('certificate_expired', `This certificate expired on ${facts.notAfter.toISOString()}.`);
    const updated = await this.repo.updateSettings(environmentId, id, (c) => {
      const s = settingsOf(c);
      const current = held(c).filter((h) => h.type === 'ResponseSigning');
      if (current.some((h) => h.fingerprint === facts.fingerprint)) return { settings: s as unknown as Prisma.InputJsonValue };
      // Expired certificates make room first; a live one is never dropped silently.
      const kept = current.filter((h) => h.notAfter > now);
      if (kept.length >= MAX_IDP_CERTIFICATES) {
        throw refused('too_many_certificates', `A connection holds at most ${MAX_IDP_CERTIFICATES} IdP certificates; remove one first.`);
      }
      const next: SamlSettings = { ...s, idp_certificates: [...kept.map((h) => h.pem), pem] };
      const event = renewedEvent(
        { connection: { id: c.id, organization_id: c.organizationId }, certificate: { certificate_type: 'ResponseSigning', expiry_date: facts.notAfter.toISOString() }, renewed_at: now.toISOString() },
        environmentId,
      );
      return { settings: next as unknown as Prisma.InputJsonValue, event };
    });
    return { object: 'list', data: held(updated!).map((h) => toWire(h, now)) };
  }

  async remove(environmentId: string, id: string, fingerprint: string): Promise<void> {
    await this.mustFindSaml(environmentId, id);
    if (!FINGERPRINT.test(fingerprint)) throw new NotFoundError('a certificate', fingerprint.slice(0, 64));
    await this.repo.updateSettings(environmentId, id, (c) => {
      const s = settingsOf(c);
      const idp = held(c).filter((h) => h.type === 'ResponseSigning');
      if (!idp.some((h) => h.fingerprint === fingerprint)) throw new NotFoundError('a certificate', fingerprint);
      const rest = idp.filter((h) => h.fingerprint !== fingerprint);
      if (!rest.length) throw new ConflictError('last_certificate', 'A SAML connection needs at least one IdP certificate; add the new one before removing this one.');
      return { settings: { ...s, idp_certificates: rest.map((h) => h.pem) } as unknown as Prisma.InputJsonValue };
    });
  }

  /**
   * One pass over every active SAML connection: for each certificate role, the certificate that
   * expires last is the one that matters (an older one beside a renewed one needs no notice).
   * Returns the notices sent.
   */
  async scan(now = new Date()): Promise<number> {
    let sent = 0;
    let after = '';
    for (;;) {
      const page = await this.repo.activeSaml(after, SCAN_PAGE);
      for (const c of page) sent += await this.scanConnection(c, now);
      if (page.length < SCAN_PAGE) return sent;
      after = page[page.length - 1]!.id;
    }
  }

  private async scanConnection(c: ConnectionWithDomains, now: Date): Promise<number> {
    const notices = await this.repo.notices(c.id);
    let sent = 0;
    // Notices are kept per fingerprint: our one SP certificate, when it both signs and decrypts, is announced once (as RequestSigning).
    const announced = new Set<string>();
    for (const type of ['ResponseSigning', 'RequestSigning', 'ResponseEncryption'] as const) {
      const latest = held(c)
        .filter((h) => h.type === type)
        .sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
      if (!latest || announced.has(latest.fingerprint)) continue;
      announced.add(latest.fingerprint);
      const previous = notices.find((n) => n.fingerprint === latest.fingerprint);
      const step = noticeDue(latest.notAfter, now, previous);
      if (step === null) continue;
      const event = renewalRequiredEvent(
        {
          connection: { id: c.id, organization_id: c.organizationId },
          certificate: { certificate_type: type, expiry_date: latest.notAfter.toISOString(), is_expired: latest.notAfter <= now },
          days_until_expiry: daysUntilExpiry(latest.notAfter, now),
        },
        c.environmentId,
      );
      if (await this.repo.recordNotice(c.environmentId, { connectionId: c.id, fingerprint: latest.fingerprint, step, sentAt: now }, previous, event)) sent++;
    }
    return sent;
  }

  private async mustFindSaml(environmentId: string, id: string): Promise<ConnectionWithDomains> {
    const c = hasIdShape(id, 'conn') ? await this.repo.find(environmentId, id) : null;
    if (!c) throw new NotFoundError('a connection', id);
    if (c.protocol !== 'saml') throw new ConflictError('not_a_saml_connection', `Connection ${c.id} is not a SAML connection.`);
    return c;
  }
}

/** A 422 about the `certificate` field, its message also the error's (pages show it as is). */
function refused(code: string, message: string): ValidationError {
  return new ValidationError([{ field: 'certificate', code, message }], message);
}

function settingsOf(c: ConnectionWithDomains): SamlSettings {
  return c.settings as unknown as SamlSettings;
}

/**
 * The certificates a connection holds: the IdP's (ResponseSigning) and ours, once per use: when it
 * signs requests (RequestSigning) and when its assertions are encrypted to it (ResponseEncryption).
 */
function held(c: ConnectionWithDomains): Held[] {
  const s = settingsOf(c);
  const out: Held[] = [];
  for (const pem of s.idp_certificates ?? []) {
    const f = certificateFacts(pem);
    if (f) out.push({ ...f, type: 'ResponseSigning', pem });
  }
  const ours = s.sp_certificate ? certificateFacts(s.sp_certificate) : undefined;
  if (ours && s.sign_requests) out.push({ ...ours, type: 'RequestSigning', pem: s.sp_certificate! });
  if (ours && s.encrypt_assertions) out.push({ ...ours, type: 'ResponseEncryption', pem: s.sp_certificate! });
  return out;
}

function toWire(h: Held, now: Date): SamlCertificateWire {
  return {
    object: 'saml_certificate',
    certificate_type: h.type,
    fingerprint: h.fingerprint,
    subject: h.subject,
    not_before: h.notBefore.toISOString(),
    expiry_date: h.notAfter.toISOString(),
    is_expired: h.notAfter <= now,
    days_until_expiry: daysUntilExpiry(h.notAfter, now),
  };
}
