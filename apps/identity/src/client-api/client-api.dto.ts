import { z } from 'zod';

/** `POST /client/token` (the Java SDK's `clientApi.createToken`). */
export const createClientApiTokenSchema = z.strictObject({ organization_id: z.string().min(1).max(100), user_id: z.string().min(1).max(100) });
export type CreateClientApiTokenInput = z.infer<typeof createClientApiTokenSchema>;

export const clientApiTokenWireSchema = z.object({ token: z.string() });
