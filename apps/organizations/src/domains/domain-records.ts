import { randomBytes } from 'node:crypto';
import { newId } from '@wos/platform';
import type { OrganizationDomain } from '../generated/prisma/client';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 24 base62 characters (~143 bits) for the TXT record a customer publishes. */
export function newVerificationToken(): string {
  const bytes = randomBytes(24);
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}

/**
 * A new domain row. A domain created as `verified` is verified by the API caller (manual
 * strategy, no token); a `pending` one must be proven through DNS.
 */
export function newDomainRecord(
  environmentId: string,
  organizationId: string,
  domain: string,
  state: 'verified' | 'pending',
  verificationPrefix: string,
  now: Date = new Date(),
): OrganizationDomain {
  const dns = state === 'pending';
  return {
    id: newId('org_domain'),
    environmentId,
    organizationId,
    domain,
    state,
    verificationStrategy: dns ? 'dns' : 'manual',
    verificationToken: dns ? newVerificationToken() : null,
    verificationPrefix: dns ? verificationPrefix : null,
    failureReason: null,
    lastVerificationAt: null,
    createdAt: now,
    updatedAt: now,
  };
}
