import { z } from 'zod';

/** The OAuth 2.0 device authorization grant (RFC 8628; createDevice, authenticateWithDeviceCode). */
export const deviceFlowConfigSchema = z.object({
  /** Lifetime of a device code and its user code (`expires_in`; WorkOS: 300). */
  DEVICE_CODE_TTL_SECONDS: z.coerce.number().int().min(10).max(1800).default(300),
  /** The minimum polling interval (`interval`; RFC 8628 §3.2 default 5); each slow_down adds 5. */
  DEVICE_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  /** Device authorizations an environment may start per 60 s from one address. */
  DEVICE_AUTHORIZATION_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
});
