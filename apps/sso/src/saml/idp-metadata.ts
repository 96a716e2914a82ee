import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { httpUrl } from '../connections/connections.dto';
import { normaliseCertificate } from './saml-certs';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
export const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

/**
 * Reads an IdP's EntityDescriptor: its entity ID, its SingleSignOnService for the redirect
 * binding and its signing certificates. Returns a list of problems instead of throwing, so the
 * caller can answer with a 422 that names each.
 */
export function parseIdpMetadata(xml: string): IdpMetadata | { problems: string[] } {
  const errors: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') errors.push(msg); } }).parseFromString(xml, 'text/xml');
  } catch (err) {
    return { problems: [`the metadata is not well-formed XML: ${(err as Error).message}`] };
  }
  if (errors.length || !doc.documentElement) return { problems: ['the metadata is not well-formed XML'] };
  const root = doc.documentElement;
  const entity = root.localName === 'EntityDescriptor' ? root : (Array.from(root.getElementsByTagNameNS(MD, 'EntityDescriptor'))[0] as Element | undefined);
  if (!entity) return { problems: ['the metadata has no EntityDescriptor'] };
  const idp = Array.from(entity.getElementsByTagNameNS(MD, 'IDPSSODescriptor'))[0] as Element | undefined;
  if (!idp) return { problems: ['the metadata has no IDPSSODescriptor'] };
  const problems: string[] = [];
  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId) problems.push('the EntityDescriptor has no entityID');
  const sso = Array.from(idp.getElementsByTagNameNS(MD, 'SingleSignOnService')) as Element[];
  const redirect = sso.find((s) => s.getAttribute('Binding') === REDIRECT_BINDING);
  const location = redirect?.getAttribute('Location');
  if (!location) problems.push('the IdP has no SingleSignOnService for the HTTP-Redirect binding');
  else if (!httpUrl.safeParse(location).success) problems.push("the IdP's SingleSignOnService Location is not an http(s) URL of at most 2,048 characters");
  const certificates = (Array.from(idp.getElementsByTagNameNS(MD, 'KeyDescriptor')) as Element[])
    .filter((k) => !k.getAttribute('use') || k.getAttribute('use') === 'signing')
    .flatMap((k) => Array.from(k.getElementsByTagNameNS(DS, 'X509Certificate')) as Element[])
    .map((c) => normaliseCertificate(c.textContent ?? ''))
    .filter((c): c is string => !!c);
  if (!certificates.length) problems.push('the IdP has no signing certificate');
  if (problems.length) return { problems };
  return { entityId, ssoUrl: location!, certificates: [...new Set(certificates)] };
}
