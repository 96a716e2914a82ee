import { X509Certificate } from 'node:crypto';

/** Turns PEM or bare base64 DER into a normalised PEM, or undefined when it is not a certificate. */
export function normaliseCertificate(input: string): string | undefined {
  const body = input
    .replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) return undefined;
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
    return pem;
  } catch {
    return undefined;
  }
}

/** The base64 body of a PEM certificate, as XML signatures and metadata carry it. */
export function certificateBody(pem: string): string {
  return pem.replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----|\s+/g, '');
}
