import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '@wos/platform';
import type { PortalSession } from '../generated/prisma/client';
import { UpstreamClient } from '../upstream/upstream.client';
import { BYOK_PROVIDERS, byokPage, type ByokKeyView } from './pages/byok.page';
import { PortalPagesService } from './portal-pages.service';
import { PortalSessionCache } from './session-cache';

/**
 * Bring your own key: the organization's root key in vault, through the same BYOK API as the
 * public one (`/vault/v1/byok/keys`: same checks, same `vault.byok_key.*` events). Invariants:
 * the organization is always the session's; a key is revoked only if it is listed under the
 * session's organization; revoking needs the explicit confirmation box; key material is never
 * echoed back into a page.
 */
@Controller('portal/o/:org')
export class PortalByokController {
  constructor(
    private readonly pages: PortalPagesService,
    private readonly upstream: UpstreamClient,
    private readonly cache: PortalSessionCache,
  ) {}

  @Get('bring_your_own_key')
  show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.show(req, reply, org, 'bring_your_own_key', async (s) => {
      const keys = await this.cache.read(s, 'page:bring_your_own_key', () => this.keysOf(s));
      return { page: (ctx) => byokPage(ctx, keys), complete: keys.some((k) => k.state === 'active') };
    });
  }

  @Post('bring_your_own_key/key')
  bring(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'bring_your_own_key', async (s, body) => {
      const provider = BYOK_PROVIDERS.find((p) => p === body.key_provider);
      if (!provider) throw new ValidationError([{ field: 'key_provider', code: 'invalid_key_provider', message: 'Pick one of the key providers offered.' }]);
      const key = await this.upstream.must<ByokKeyView>('vault', s.environmentId, 'POST', '/vault/v1/byok/keys', {
        organization_id: s.organizationId,
        key_provider: provider,
        ...(provider === 'LOCAL' ? { key_material: (body.key_material ?? '').trim() } : { key_label: (body.key_label ?? '').trim() }),
      });
      const keys = await this.keysOf(s);
      return { page: (ctx) => byokPage(ctx, keys, { key: 'byok.added', vars: { kcv: key.key_check_value } }), status: 201 };
    });
  }

  @Post('bring_your_own_key/:keyId/revoke')
  revoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string, @Param('keyId') keyId: string) {
    return this.pages.submit(req, reply, org, 'bring_your_own_key', async (s, body) => {
      // Only a key of this organization: vault scopes by environment, the portal by organization.
      if (!(await this.keysOf(s)).some((k) => k.id === keyId && k.state === 'active')) {
        throw new ValidationError([{ field: 'key', code: 'unknown_key', message: 'This key is not an active key of the organization.' }]);
      }
      if (body.confirm !== 'yes') throw new ValidationError([{ field: 'confirm', code: 'confirmation_required', message: 'Tick the box to confirm the revocation.' }]);
      await this.upstream.must('vault', s.environmentId, 'DELETE', `/vault/v1/byok/keys/${encodeURIComponent(keyId)}`);
      const keys = await this.keysOf(s);
      return { page: (ctx) => byokPage(ctx, keys, { key: 'byok.revoked_notice' }) };
    });
  }

  /** The organization's keys, newest first (one active at most; the revoked ones as history). */
  private async keysOf(s: PortalSession): Promise<ByokKeyView[]> {
    const list = await this.upstream.must<{ data: ByokKeyView[] }>('vault', s.environmentId, 'GET', `/vault/v1/byok/keys?${new URLSearchParams({ organization_id: s.organizationId, limit: '100', order: 'desc' })}`);
    return list.data.filter((k) => k.organization_id === s.organizationId);
  }
}
