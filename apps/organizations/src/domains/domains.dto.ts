import { z } from 'zod';
import { domainNameSchema } from '../organizations/organizations.dto';

export const createDomainSchema = z.strictObject({
  domain: domainNameSchema,
  organization_id: z.string().min(1),
});
export type CreateDomainInput = z.infer<typeof createDomainSchema>;

/** The SDK sends `{}` (or nothing) to verify. */
export const verifyDomainSchema = z.strictObject({});
