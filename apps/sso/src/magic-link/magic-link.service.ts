import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@wos/platform';
import type { ProfileWire } from '../profiles/profile-normaliser';
import { ConnectionsService } from '../connections/connections.service';
import { SignInStateStore } from '../signin/signin-state.store';
import { magicLinkConnectionId, magicLinkProfileId, type MagicLinkCodeRequest } from './magic-link.dto';

/**
 * WorkOS's Magic Link ends like an SSO sign-in: the app gets `code` (and its `state`) on its
 * redirect URI and exchanges it with `sso.getProfileAndToken` for a `profile` of connection type
 * `MagicLink`. Identity owns the link (its email, expiry and single use); once a link is spent
 * it asks for the code here, so /sso/token redeems it like any other (once, within its TTL, in
 * its environment). The email was proved by following the emailed link: `email_verified: true`.
 */
@Injectable()
export class MagicLinkService {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly store: SignInStateStore,
  ) {}

  async issueCode(environmentId: string, req: MagicLinkCodeRequest): Promise<{ code: string }> {
    let connectionId = magicLinkConnectionId(environmentId);
    let organizationId: string | null = null;
    if (req.connection_id) {
      const conn = await this.connections.findForSignIn(environmentId, { id: req.connection_id });
      if (!conn) throw new NotFoundError('a connection', req.connection_id);
      connectionId = conn.id;
      organizationId = conn.organizationId;
    }
    const id = magicLinkProfileId(environmentId, connectionId, req.email);
    const profile: ProfileWire = {
      object: 'profile',
      id,
      idp_id: req.email,
      organization_id: organizationId,
      connection_id: connectionId,
      connection_type: 'MagicLink',
      email: req.email,
      email_verified: true,
      first_name: null,
      last_name: null,
      custom_attributes: {},
      raw_attributes: {},
    };
    const code = await this.store.issueCode({ environmentId, redirectUri: req.redirect_uri, profile });
    return { code };
  }
}
