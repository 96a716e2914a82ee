import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError, type Logger } from '@wos/platform';
import { APP_CONFIG, LOGGER, type AppConfig } from '../config';
import { fetchIdp, idpUrlPolicy } from '../infra/idp-fetch';
import { parseIdpMetadata, type IdpMetadata } from '../saml/idp-metadata';
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
 * the scan that follows rollovers the IdP's metadata URL publishes and announces expiry. Invariants: a connection always keeps at least one IdP
 * certificate; every renewal writes connection.saml_certificate_renewed with the settings in one
 * transaction; each notice step is announced once per certificate, whatever the replica count.
 */
@Injectable()
export class CertificatesService {
  private readonly log: Logger;

  constructor(
    private readonly repo: CertificatesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: CertificatesService.name });
  }

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
      return { settings: next as unknown as Prisma.InputJsonValue, events: [renewal(c, facts, now)] };
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

  private async scanConnection(scanned: ConnectionWithDomains, now: Date): Promise<number> {
    // A renewal the IdP published comes first, so the notices below judge the certificates it leaves.
    const c = await this.refreshFromMetadata(scanned, now);
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

  /**
   * For a connection created from a metadata URL: reads the IdP's metadata again and follows its
   * certificate rollover (mergePublished), with connection.saml_certificate_renewed per certificate
   * added, and its SingleSignOnService URL (no event: WorkOS has none for it), in one
   * transaction. The metadata must still name the connection's IdP (entity ID); anything else
   * (unreachable, unparsable, another entity, too many certificates) changes nothing and is
   * logged, and the scan goes on. Fetched through the IdP URL policy (https, no internal
   * addresses, no redirects, 1 MiB, a timeout) as at creation.
   */
  private async refreshFromMetadata(c: ConnectionWithDomains, now: Date): Promise<ConnectionWithDomains> {
    const url = settingsOf(c).idp_metadata_url;
    if (!url) return c;
    const log = this.log.child({ connection_id: c.id });
    let published: IdpMetadata;
    try {
      const fetched = await fetchIdp(url, { ...idpUrlPolicy(this.config), what: 'IdP metadata' });
      if (fetched.status !== 200) throw new Error(`HTTP ${fetched.status}`);
      const parsed = parseIdpMetadata(fetched.text);
      if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
      published = parsed;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'IdP metadata not refreshed');
      return c;
    }
    if (published.entityId !== settingsOf(c).idp_entity_id) {
      log.warn({ entity_id: published.entityId.slice(0, 200) }, 'IdP metadata now names another entity; certificates not refreshed');
      return c;
    }
    const idpHeld = (x: ConnectionWithDomains) => held(x).filter((h) => h.type === 'ResponseSigning');
    try {
      // Unchanged metadata writes nothing (no updated_at bump, so no replica rebuilds its SAML SP).
      if (!mergePublished(idpHeld(c), published.certificates, now) && published.ssoUrl === settingsOf(c).idp_sso_url) return c;
      const updated = await this.repo.updateSettings(c.environmentId, c.id, (current) => {
        const s = settingsOf(current);
        const merged = mergePublished(idpHeld(current), published.certificates, now);
        const next: SamlSettings = { ...s, ...(merged ? { idp_certificates: merged.certificates } : {}), idp_sso_url: published.ssoUrl };
        if (published.ssoUrl !== s.idp_sso_url) log.info({ idp_sso_url: published.ssoUrl }, 'IdP metadata moved the SSO URL');
        return { settings: next as unknown as Prisma.InputJsonValue, events: (merged?.added ?? []).map((h) => renewal(current, h, now)) };
      });
      return updated ?? c;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'IdP metadata not applied');
      return c;
    }
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

/**
 * The IdP certificates after reading its metadata again, or undefined when nothing changes. The
 * metadata adds what it publishes that is live and not yet held; a held certificate is dropped
 * only once it has expired AND the IdP no longer publishes it, so a live certificate added by
 * hand (a renewal ahead of the metadata) stays. More than MAX_IDP_CERTIFICATES is refused (thrown).
 */
function mergePublished(current: Held[], publishedPems: string[], now: Date): { certificates: string[]; added: Held[] } | undefined {
  const published = publishedPems.flatMap((pem) => {
    const f = certificateFacts(pem);
    return f ? [{ ...f, type: 'ResponseSigning' as const, pem }] : [];
  });
  const publishedPrints = new Set(published.map((p) => p.fingerprint));
  const heldPrints = new Set(current.map((h) => h.fingerprint));
  const kept = current.filter((h) => publishedPrints.has(h.fingerprint) || h.notAfter > now);
  const added = published.filter((p, i) => !heldPrints.has(p.fingerprint) && p.notAfter > now && published.findIndex((q) => q.fingerprint === p.fingerprint) === i);
  if (!added.length && kept.length === current.length) return undefined;
  const next = [...kept, ...added];
  if (!next.length) return undefined;
  if (next.length > MAX_IDP_CERTIFICATES) throw new Error(`the metadata would leave ${next.length} IdP certificates (at most ${MAX_IDP_CERTIFICATES})`);
  return { certificates: next.map((h) => h.pem), added };
}

/** connection.saml_certificate_renewed for an IdP certificate the connection now trusts. */
function renewal(c: ConnectionWithDomains, facts: CertificateFacts, now: Date) {
  return renewedEvent(
    { connection: { id: c.id, organization_id: c.organizationId }, certificate: { certificate_type: 'ResponseSigning', expiry_date: facts.notAfter.toISOString() }, renewed_at: now.toISOString() },
    c.environmentId,
  );
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
