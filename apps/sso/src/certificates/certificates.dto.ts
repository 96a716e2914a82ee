import { z } from 'zod';
import type { SamlCertificateType } from './certificate-schedule';

/** `POST /connections/:id/certificates`: the IdP's new signing certificate (PEM or bare base64 DER). */
export const addCertificateSchema = z.object({ certificate: z.string().trim().min(1).max(16 * 1024) }).strict();
export type AddCertificateInput = z.infer<typeof addCertificateSchema>;

/** A SAML certificate of a connection, as `GET /connections/:id/certificates` lists it (ours). */
export interface SamlCertificateWire {
  object: 'saml_certificate';
  certificate_type: SamlCertificateType;
  fingerprint: string;
  subject: string;
  not_before: string;
  expiry_date: string;
  is_expired: boolean;
  days_until_expiry: number;
}

/** A fingerprint in a path: 64 lowercase hex characters, nothing else reaches a query. */
export const FINGERPRINT = /^[0-9a-f]{64}$/;
