import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { generate } from 'selfsigned';

/** The `x5c` and `x5t#S256` members of a JWK (RFC 7517 §4.7, §4.9). */
export interface CertificateMembers {
  x5c: string[];
  'x5t#S256': string;
}

/*
 * Ten years: a consumer that checks certificate dates must never see a published key's
 * certificate expire. A key leaves the JWKS through rotation, never through its certificate.
 */
const VALIDITY_MS = 10 * 365 * 86_400_000;
const SKEW_MS = 5 * 60_000;

/**
 * A self-signed certificate over the signing key itself (subject CN = kid), made when the key is
 * made; a rotated key gets its own. It only carries the public key for consumers that read keys
 * from `x5c`; nothing chains to it, so it grants no trust beyond the JWKS that serves it.
 */
export async function certificateMembers(kid: string, privateKey: KeyObject, publicKey: KeyObject, createdAt: Date): Promise<CertificateMembers> {
  const pems = await generate([{ name: 'commonName', value: kid }], {
    keyPair: { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    algorithm: 'sha256',
    notBeforeDate: new Date(createdAt.getTime() - SKEW_MS),
    notAfterDate: new Date(createdAt.getTime() + VALIDITY_MS),
  });
  const der = new X509Certificate(pems.cert).raw;
  return { x5c: [der.toString('base64')], 'x5t#S256': createHash('sha256').update(der).digest('base64url') };
}
