import { z } from 'zod';

/** A directory group as identity's directory provisioning sends it (internal; bounded like the public group). */
export const directoryGroupBodySchema = z.strictObject({
  organization_id: z.string().min(1).max(128),
  directory_id: z.string().min(1).max(128),
  name: z.string().trim().min(1).max(256),
});
export type DirectoryGroupBody = z.infer<typeof directoryGroupBodySchema>;
