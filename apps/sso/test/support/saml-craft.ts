/* Tampering helpers for crafted SAML responses (samlify writes saml:/samlp:/ds: prefixes). */

export const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
export const encode = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');

const SIGNATURE = /<ds:Signature[\s\S]*?<\/ds:Signature>/;
const ASSERTION = /<saml:Assertion[\s\S]*<\/saml:Assertion>/;

export function assertionOf(xml: string): string {
  return ASSERTION.exec(xml)![0];
}

/** Removes every XML signature. */
export function stripSignatures(xml: string): string {
  return xml.replace(new RegExp(SIGNATURE.source, 'g'), '');
}

/** An unsigned copy of the assertion naming another user, with a fresh ID. */
export function evilAssertion(xml: string, email = 'mallory@evil.example'): string {
  return stripSignatures(assertionOf(xml))
    .replace(/ ID="[^"]+"/, ' ID="_evil0000000000000000000000000000"')
    .replace(/(<saml:NameID[^>]*>)[^<]*/, `$1${email}`);
}

/** Wrapping: evil assertion placed beside the signed one. */
export function evilBeside(xml: string): string {
  const a = assertionOf(xml);
  return xml.replace(a, `${evilAssertion(xml)}${a}`);
}

/** Wrapping: the signed assertion hidden inside the evil one, which takes its place. */
export function evilWrapsSigned(xml: string): string {
  const a = assertionOf(xml);
  const evil = evilAssertion(xml);
  return xml.replace(a, evil.replace('</saml:Subject>', `</saml:Subject>${a}`));
}

/** Wrapping: the signed assertion moved into samlp:Extensions, an evil one in its place. */
export function signedInExtensions(xml: string): string {
  const a = assertionOf(xml);
  return xml.replace(a, evilAssertion(xml)).replace(/(<\/saml:Issuer>)/, `$1<samlp:Extensions>${a}</samlp:Extensions>`);
}

/** The assertion's signature moved up to the Response, the assertion itself then edited. */
export function signatureMovedToResponse(xml: string): string {
  const a = assertionOf(xml);
  const sig = SIGNATURE.exec(a)![0];
  const unsignedEdited = a.replace(sig, '').replace(/(<saml:NameID[^>]*>)[^<]*/, '$1mallory@evil.example');
  return xml.replace(a, unsignedEdited).replace(/(<\/saml:Issuer>)/, `$1${sig}`);
}

/** Edits a signed value (the digest no longer matches). */
export function editedAfterSigning(xml: string): string {
  return xml.replace(/(<saml:NameID[^>]*>)[^<]*/, '$1mallory@evil.example');
}

/** `victim@example.com` becomes `victim@example.com<!---->.evil.example`: c14n drops the comment. */
export function commentInNameId(xml: string): string {
  return xml.replace(/(<saml:NameID[^>]*>)([^<]*)/, '$1$2<!---->.evil.example');
}

/** A second root element after the signed response. */
export function secondRoot(xml: string): string {
  return `${xml}<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x"/>`;
}

export function withDoctype(xml: string): string {
  return `<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml.replace(/^<\?xml[^>]*\?>/, '')}`;
}
