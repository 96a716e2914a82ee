import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '@wos/platform';
import { protocolOf } from '@wos/contracts';
import type { PortalSession } from '../generated/prisma/client';
import { UpstreamClient } from '../upstream/upstream.client';
import { url } from './pages/layout';
import { certificatesPage, type CertificateView } from './pages/certificates.pages';
import { PortalPagesService } from './portal-pages.service';
import { PortalSessionCache } from './session-cache';
import { PortalSsoService } from './sso/portal-sso.service';

/**
 * Certificate renewal for the organization's SAML connection, through the sso service's
 * `/connections/:id/certificates` (so renewal writes connection.saml_certificate_renewed as an
 * API call would). The connection is always the session organization's own (the sso list is
 * filtered by it); a fingerprint in a form must be one of that connection's.
 */
@Controller('portal/o/:org/certificate_renewal')
export class PortalCertificatesController {
  constructor(
    private readonly pages: PortalPagesService,
    private readonly upstream: UpstreamClient,
    private readonly sso: PortalSsoService,
    private readonly cache: PortalSessionCache,
  ) {}

  @Get()
  show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.show(req, reply, org, 'certificate_renewal', async (s) => {
      const certs = await this.cache.read(s, 'page:certificate_renewal', () => this.certificates(s));
      return { page: (ctx) => certificatesPage(ctx, certs?.list ?? null) };
    });
  }

  @Post('certificate')
  add(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string) {
    return this.pages.submit(req, reply, org, 'certificate_renewal', async (s, body, ctx) => {
      const certs = await this.certificates(s);
      if (!certs) throw new ValidationError([{ field: 'certificate', code: 'no_saml_connection', message: 'This organization has no SAML connection.' }]);
      await this.upstream.must('sso', s.environmentId, 'POST', `/connections/${certs.connectionId}/certificates`, { certificate: body.certificate ?? '' });
      return { redirect: url(ctx, 'certificate_renewal') };
    });
  }

  @Post(':fingerprint/delete')
  remove(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('org') org: string, @Param('fingerprint') fingerprint: string) {
    return this.pages.submit(req, reply, org, 'certificate_renewal', async (s, _body, ctx) => {
      const certs = await this.certificates(s);
      if (!certs?.list.some((c) => c.fingerprint === fingerprint)) throw new ValidationError([{ field: 'fingerprint', code: 'unknown_certificate', message: 'This certificate is not one of the connection.' }]);
      await this.upstream.must('sso', s.environmentId, 'DELETE', `/connections/${certs.connectionId}/certificates/${fingerprint}`);
      return { redirect: url(ctx, 'certificate_renewal') };
    });
  }

  /** The organization's SAML connection and its certificates, or null without one. */
  private async certificates(s: PortalSession): Promise<{ connectionId: string; list: CertificateView[] } | null> {
    const { connection } = await this.sso.state(s);
    if (!connection || protocolOf(connection.connection_type) !== 'saml') return null;
    const res = await this.upstream.must<{ data: CertificateView[] }>('sso', s.environmentId, 'GET', `/connections/${connection.id}/certificates`);
    return { connectionId: connection.id, list: res.data };
  }
}
