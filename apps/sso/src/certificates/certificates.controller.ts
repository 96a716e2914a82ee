import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import { CertificatesService } from './certificates.service';
import { addCertificateSchema, type AddCertificateInput } from './certificates.dto';

/** `/connections/:id/certificates` (ours): a SAML connection's certificates, their expiry, and renewal. */
@RequireApiKey()
@Controller('connections/:id/certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get()
  list(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.certificates.list(env, id);
  }

  @Post()
  @HttpCode(201)
  add(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(addCertificateSchema)) body: AddCertificateInput) {
    return this.certificates.add(env, id, body);
  }

  @Delete(':fingerprint')
  @HttpCode(204)
  async remove(@EnvironmentId() env: string, @Param('id') id: string, @Param('fingerprint') fingerprint: string): Promise<void> {
    await this.certificates.remove(env, id, fingerprint);
  }
}
