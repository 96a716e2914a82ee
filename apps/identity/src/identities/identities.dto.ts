import { z } from 'zod';
import type { Identity } from '../generated/prisma/client';

/** An item of `GET /user_management/users/:id/identities` (WORKOS_API.md §7.1, a bare array). */
export const identityWireSchema = z.object({ idp_id: z.string(), type: z.literal('OAuth'), provider: z.string() });
export type IdentityWire = z.infer<typeof identityWireSchema>;

/* WorkOS lists only OAuth identities, and spells GitHub's provider `GithubOAuth` on the wire (the
 * Node SDK normalises it to `GitHubOAuth`; the Java SDK's enum knows only `GithubOAuth`). */
const WIRE_PROVIDER: Record<string, string> = { GitHubOAuth: 'GithubOAuth' };

export const isOAuthProvider = (connectionType: string) => connectionType.endsWith('OAuth');

export function toIdentityWire(i: Identity): IdentityWire {
  return { idp_id: i.idpId, type: 'OAuth', provider: WIRE_PROVIDER[i.connectionType] ?? i.connectionType };
}
