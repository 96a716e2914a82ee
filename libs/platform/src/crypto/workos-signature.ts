import { createHmac } from 'node:crypto';

/**
 * `WorkOS-Signature: t=<unix ms>, v1=<hex>[, v1=<hex>]` (WORKOS_API.md §13.2), on webhook
 * deliveries and on audit-log stream batches to generic HTTPS endpoints, so a receiver checks
 * either with the SDK's `webhooks.verifyHeader`. The HMAC-SHA256
 * key is the `whsec_…` string's UTF-8 bytes and the message is `<t>.<raw body>`, so the body
 * sent must be byte-for-byte the one signed. During a secret rotation's grace period the
 * previous secret signs first: the official Node SDK checks only the first `v1`, so a receiver
 * still on the old secret keeps verifying; the new secret's `v1` follows for receivers that
 * check every `v1` (and for the SDK once the grace period ends).
 */
export function signatureHeader(body: string, secrets: readonly string[], timestampMs: number = Date.now()): string {
  const parts = [`t=${timestampMs}`];
  for (const s of secrets) parts.push(`v1=${hmacHex(s, `${timestampMs}.${body}`)}`);
  return parts.join(', ');
}

export function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}
