import { z } from 'zod';

/**
 * ALLOW_LOOPBACK_URLS=true lets customer-configured URLs (IdP metadata, discovery and token URLs,
 * webhook endpoints) use plain http and loopback addresses, which the development stack and the
 * test harnesses need for their local IdPs and receivers. It is an explicit opt-in (L7): an unset
 * NODE_ENV never implies it, and a service that has it logs a warning at start.
 */
export const loopbackConfigSchema = z.object({
  ALLOW_LOOPBACK_URLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const LOOPBACK_WARNING = 'ALLOW_LOOPBACK_URLS=true: http and loopback URLs are accepted for IdPs and webhooks (development and tests only)';
