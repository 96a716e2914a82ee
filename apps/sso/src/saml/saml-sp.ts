import { createHash } from 'node:crypto';
import { SAML, ValidateInResponseTo, type Profile as SamlProfile } from '@node-saml/node-saml';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import type { SamlSettings } from '../connections/connections.dto';
import { installXPathCache } from './xpath-cache';

installXPathCache();

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const XMLENC_NS = 'http://www.w3.org/2001/04/xmlenc#';
/** Key transport and data encryption algorithms an encrypted assertion may use (see checkEncryption). */
const ACCEPTED_ENCRYPTION = new Set([
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
]);

/** Why a SAML response was refused; the code goes into authentication.sso_failed. */
export class SamlRejection extends Error {
  /**
   * For a refusal after the signature verified (the validity window): the InResponseTo of the one
   * signed assertion, so a self-test's pending sign-in can be told why. Never set before that.
   */
  inResponseTo?: string;

  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Refusals that mean the IdP's clock and ours disagree beyond the accepted skew. */
export const CLOCK_REASONS: ReadonlySet<string> = new Set(['assertion_not_yet_valid', 'assertion_expired']);

export interface VerifiedAssertion {
  assertionId: string;
  nameId: string;
  /** The InResponseTo the signed SubjectConfirmationData names; absent for IdP-initiated. */
  inResponseTo?: string;
  /**
   * Until when its ID must stay marked used: the LATEST NotOnOrAfter anywhere in the assertion
   * (M1). Marking only until the earliest would let a capture be replayed once that bound
   * passed, whenever another check was ever lax about it.
   */
  replayUntilMs: number;
  attributes: Record<string, string | string[]>;
}

/**
 * The service-provider side of one SAML connection, wrapping node-saml. node-saml verifies the
 * XML signature against the IdP certificates, refuses more than one assertion, and checks
 * issuer, audience and time conditions; this class adds what it leaves out: no comments,
 * DOCTYPEs or processing instructions anywhere, Destination and Recipient equal to our ACS URL,
 * the assertion Issuer equal to the IdP's entity ID (node-saml checks it only for logout
 * messages), the NotBefore/NotOnOrAfter of the bearer SubjectConfirmationData it accepts
 * (node-saml computes that check but enforces it only when it validates InResponseTo itself,
 * which we do against our own store), and it reads the assertion ID and InResponseTo from the
 * signed XML only.
 */
export class SamlServiceProvider {
  private readonly validator: SAML;

  constructor(
    private readonly settings: SamlSettings,
    private readonly skewMs: number,
    private readonly spPrivateKey?: string,
  ) {
    this.validator = new SAML(this.options());
  }

  private options(generateUniqueId?: () => string) {
    return {
      idpCert: this.settings.idp_certificates,
      issuer: this.settings.sp_entity_id,
      callbackUrl: this.settings.acs_url,
      audience: this.settings.sp_entity_id,
      idpIssuer: this.settings.idp_entity_id,
      entryPoint: this.settings.idp_sso_url,
      // Either the Response or the Assertion must carry a valid signature over the assertion.
      wantAssertionsSigned: false,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: this.skewMs,
      // InResponseTo is checked by the caller against its own pending-request store.
      validateInResponseTo: ValidateInResponseTo.never,
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      disableRequestedAuthnContext: true,
      signatureAlgorithm: 'sha256' as const,
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      ...(this.settings.sign_requests && this.spPrivateKey ? { privateKey: this.spPrivateKey } : {}),
      ...(this.settings.encrypt_assertions && this.spPrivateKey ? { decryptionPvk: this.spPrivateKey } : {}),
      ...(generateUniqueId ? { generateUniqueId } : {}),
    };
  }

  /** The IdP URL carrying a deflated AuthnRequest with this ID (signed when the connection signs). */
  async authorizeUrl(requestId: string, relayState: string, extraParams: Record<string, string>): Promise<string> {
    const saml = new SAML(this.options(() => requestId));
    return saml.getAuthorizeUrlAsync(relayState, undefined, { additionalParams: extraParams });
  }

  /** Our SP metadata: the certificate with use="signing" when requests are signed, use="encryption" when assertions are encrypted. */
  metadataXml(): string {
    const cert = this.settings.sp_certificate ?? null;
    // A stable document ID, so the same connection always publishes byte-identical metadata.
    const id = `_${createHash('sha256').update(this.settings.sp_entity_id).digest('hex').slice(0, 40)}`;
    return new SAML(this.options(() => id)).generateServiceProviderMetadata(this.settings.encrypt_assertions ? cert : null, this.settings.sign_requests ? cert : null);
  }

  async validate(samlResponseB64: string): Promise<VerifiedAssertion> {
    const xml = decode(samlResponseB64);
    // Comments can split a signed text node (NameID) without breaking the signature; DOCTYPE
    // brings entity expansion. Legitimate IdPs send neither, so both are refused outright.
    if (/<!--|<!DOCTYPE|<!ENTITY|<\?(?!xml\s)/i.test(xml)) throw new SamlRejection('malformed_response', 'The SAML response contains comments, a DOCTYPE or processing instructions.');
    const doc = parseStrict(xml);
    const root = doc.documentElement;
    if (!root || root.localName !== 'Response' || root.namespaceURI !== PROTOCOL_NS) {
      throw new SamlRejection('malformed_response', 'The SAML message is not a single samlp:Response.');
    }
    // Exactly one assertion anywhere in the document: a second one (beside, inside the signed
    // one, or tucked into Extensions) is the raw material of every signature-wrapping attack.
    const assertions = root.getElementsByTagNameNS(SAML_NS, 'Assertion').length + root.getElementsByTagNameNS(SAML_NS, 'EncryptedAssertion').length;
    if (assertions > 1) throw new SamlRejection('multiple_assertions', `The SAML response carries ${assertions} assertions; exactly one is accepted.`);
    this.checkEncryption(root);
    const destination = root.getAttribute('Destination');
    if (destination && destination !== this.settings.acs_url) {
      throw new SamlRejection('destination_mismatch', `The SAML response is addressed to ${destination}, not to this connection's ACS URL.`);
    }
    let profile: SamlProfile | null;
    try {
      ({ profile } = await this.validator.validatePostResponseAsync({ SAMLResponse: samlResponseB64 }));
    } catch (err) {
      const rejection = classify(err as Error, root.getElementsByTagNameNS(SAML_NS, 'EncryptedAssertion').length > 0);
      // node-saml refuses the time window only after the signature verified, and there is exactly
      // one (plaintext) assertion: its bearer InResponseTo is the signed one.
      if (CLOCK_REASONS.has(rejection.reason)) rejection.inResponseTo = signedInResponseTo(root);
      throw rejection;
    }
    if (!profile?.getAssertionXml) throw new SamlRejection('missing_assertion', 'The SAML response carries no assertion.');
    return this.readSignedAssertion(profile.getAssertionXml(), profile);
  }

  /**
   * A connection that encrypts takes only encrypted assertions (a plaintext one crossed the
   * browser readable), and only with the XML Encryption algorithms that have no known practical
   * attack: RSA-OAEP key transport (RSA PKCS#1 v1.5 invites Bleichenbacher's oracle) and AES data
   * encryption (no Triple DES). Where it does not encrypt, an encrypted assertion is refused: there
   * is no key to open it.
   */
  private checkEncryption(root: Element): void {
    const encrypted = Array.from(root.getElementsByTagNameNS(SAML_NS, 'EncryptedAssertion'));
    if (!this.settings.encrypt_assertions) {
      if (encrypted.length) throw new SamlRejection('unexpected_encrypted_assertion', 'The SAML response carries an encrypted assertion, but this connection does not decrypt assertions.');
      return;
    }
    if (root.getElementsByTagNameNS(SAML_NS, 'Assertion').length && !encrypted.length) {
      throw new SamlRejection('assertion_not_encrypted', 'This connection takes only encrypted assertions; the SAML response carries a plaintext one.');
    }
    for (const e of encrypted) {
      for (const method of Array.from(e.getElementsByTagNameNS(XMLENC_NS, 'EncryptionMethod'))) {
        const algorithm = method.getAttribute('Algorithm') ?? '';
        if (!ACCEPTED_ENCRYPTION.has(algorithm)) throw new SamlRejection('unsupported_encryption_algorithm', `The assertion is encrypted with ${algorithm.slice(0, 100) || 'no algorithm'}, which is not accepted.`);
      }
    }
  }

  /* Everything read here comes from the XML that node-saml verified (and decrypted), not from the raw post. */
  private readSignedAssertion(assertionXml: string, profile: SamlProfile): VerifiedAssertion {
    // A decrypted assertion never passed the raw post's check: the same rule applies to it.
    if (/<!--|<!DOCTYPE|<!ENTITY|<\?(?!xml\s)/i.test(assertionXml)) throw new SamlRejection('malformed_response', 'The assertion contains comments, a DOCTYPE or processing instructions.');
    const assertion = parseStrict(assertionXml).documentElement!;
    const id = assertion.getAttribute('ID');
    if (!id) throw new SamlRejection('malformed_response', 'The signed assertion has no ID.');
    const issuer = children(assertion, 'Issuer')[0]?.textContent?.trim();
    if (issuer !== this.settings.idp_entity_id) {
      throw new SamlRejection('issuer_mismatch', `The assertion was issued by ${issuer ?? 'nobody'}, not by this connection's IdP.`);
    }
    const confirmations = children(assertion, 'Subject').flatMap((s) => children(s, 'SubjectConfirmation'));
    const bearer = confirmations
      .filter((c) => c.getAttribute('Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer')
      .flatMap((c) => children(c, 'SubjectConfirmationData'));
    if (!bearer.length) throw new SamlRejection('malformed_response', 'The assertion has no bearer SubjectConfirmationData.');
    const data = bearer.find((d) => d.getAttribute('Recipient') === this.settings.acs_url);
    if (!data) throw new SamlRejection('recipient_mismatch', "The assertion's Recipient is not this connection's ACS URL.");
    try {
      this.checkConfirmationWindow(data);
    } catch (err) {
      if (err instanceof SamlRejection) err.inResponseTo = data.getAttribute('InResponseTo') || undefined;
      throw err;
    }
    const nameId = children(assertion, 'Subject').flatMap((s) => children(s, 'NameID'))[0]?.textContent?.trim() ?? '';
    if (!nameId || nameId !== profile.nameID) throw new SamlRejection('malformed_response', 'The assertion has no usable NameID.');
    const bounds = [...bearer, ...children(assertion, 'Conditions')]
      .map((e) => Date.parse(e.getAttribute('NotOnOrAfter') ?? ''))
      .filter((v) => Number.isFinite(v));
    return {
      assertionId: id,
      nameId,
      inResponseTo: data.getAttribute('InResponseTo') || undefined,
      replayUntilMs: Math.max(...bounds),
      attributes: readAttributes(assertion),
    };
  }

  /**
   * The window in which the bearer confirmation may be used (M1), with the configured skew.
   * The Web Browser SSO profile requires NotOnOrAfter on it, so its absence is a refusal: the
   * assertion would otherwise be deliverable forever.
   */
  private checkConfirmationWindow(data: Element): void {
    const now = Date.now();
    const notOnOrAfter = Date.parse(data.getAttribute('NotOnOrAfter') ?? '');
    if (!Number.isFinite(notOnOrAfter)) throw new SamlRejection('malformed_response', 'The bearer SubjectConfirmationData has no valid NotOnOrAfter.');
    if (now >= notOnOrAfter + this.skewMs) throw new SamlRejection('assertion_expired', 'The SubjectConfirmationData of the assertion has expired (NotOnOrAfter).');
    const notBefore = data.getAttribute('NotBefore');
    if (notBefore !== null) {
      const from = Date.parse(notBefore);
      if (!Number.isFinite(from)) throw new SamlRejection('malformed_response', 'The bearer SubjectConfirmationData has an invalid NotBefore.');
      if (now + this.skewMs < from) throw new SamlRejection('assertion_not_yet_valid', 'The SubjectConfirmationData of the assertion is not yet valid (NotBefore).');
    }
  }
}

/** The InResponseTo of the (single, plaintext) assertion's bearer confirmation, if any. */
function signedInResponseTo(root: Element): string | undefined {
  const assertion = root.getElementsByTagNameNS(SAML_NS, 'Assertion')[0];
  if (!assertion) return undefined;
  const data = Array.from(assertion.getElementsByTagNameNS(SAML_NS, 'SubjectConfirmationData'));
  return data.map((d) => d.getAttribute('InResponseTo')).find((v): v is string => Boolean(v));
}

function decode(b64: string): string {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(b64)) throw new SamlRejection('malformed_response', 'SAMLResponse is not base64.');
  return Buffer.from(b64, 'base64').toString('utf8');
}

function parseStrict(xml: string): Document {
  const problems: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') problems.push(msg); } }).parseFromString(xml, 'text/xml');
  } catch (err) {
    throw new SamlRejection('malformed_response', `The SAML response is not well-formed XML: ${(err as Error).message}`);
  }
  if (problems.length || !doc.documentElement) throw new SamlRejection('malformed_response', 'The SAML response is not well-formed XML.');
  return doc;
}

function children(parent: Element, localName: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === localName && (n as Element).namespaceURI === SAML_NS);
}

function readAttributes(assertion: Element): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const statement of children(assertion, 'AttributeStatement')) {
    for (const attr of children(statement, 'Attribute')) {
      const name = attr.getAttribute('Name');
      if (!name) continue;
      const values = children(attr, 'AttributeValue').map((v) => v.textContent ?? '');
      out[name] = values.length === 1 ? values[0]! : values;
    }
  }
  return out;
}

/* Reasons node-saml reaches only after the assertion's signature verified. */
const AFTER_VERIFICATION = new Set(['assertion_not_yet_valid', 'assertion_expired', 'audience_mismatch', 'issuer_mismatch']);

/**
 * Maps node-saml's error messages to stable reasons. With an encrypted assertion, every failure
 * before the signature verified is one reason and one message, so the answers are no decryption
 * oracle (a padding or key-transport error reads the same as a bad signature).
 */
function classify(err: Error, encrypted = false): SamlRejection {
  const rejection = classifyMessage(err.message ?? '');
  if (encrypted && !AFTER_VERIFICATION.has(rejection.reason)) return new SamlRejection('invalid_encrypted_assertion', 'The encrypted SAML assertion could not be decrypted and verified.');
  return rejection;
}

function classifyMessage(m: string): SamlRejection {
  const rules: [RegExp, string][] = [
    [/signature/i, 'invalid_signature'],
    [/not yet valid/i, 'assertion_not_yet_valid'],
    [/expired|too old/i, 'assertion_expired'],
    [/audience/i, 'audience_mismatch'],
    [/issuer/i, 'issuer_mismatch'],
    [/SAML provider returned/i, 'idp_error'],
    [/assertion|unexpected|xml|invalid|pars(e|ing)|not a valid date|non-whitespace|unclosed|tag/i, 'malformed_response'],
  ];
  const reason = rules.find(([re]) => re.test(m))?.[1] ?? 'invalid_response';
  return new SamlRejection(reason, `The SAML response was refused: ${m}`);
}
