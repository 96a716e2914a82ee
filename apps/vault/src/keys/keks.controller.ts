import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, NotFoundError, RequireApiKey, ZodPipe } from '@wos/platform';
import { canonicalContext } from '../vault-core/key-context';
import { rotateKekSchema, type RotateKekInput } from './data-keys.dto';
import { KeksService } from './keks.service';
import { RekeysService } from './rekeys.service';

/**
 * `POST /vault/v1/keys/rotate` — our extension (WorkOS rotates from its dashboard): a new current
 * version of the context's KEK. New data keys and object versions are wrapped by it; data wrapped
 * by older versions keeps opening, createRekey moves a client's data key to the current version,
 * and the rekey job moves the data keys of stored objects (`vault.kek.rekeyed` when done).
 */
@Controller('vault/v1/keys')
@RequireApiKey()
export class KeksController {
  constructor(
    private readonly keks: KeksService,
    private readonly rekeys: RekeysService,
  ) {}

  @Post('rotate')
  @HttpCode(200)
  async rotate(@EnvironmentId() env: string, @Body(new ZodPipe(rotateKekSchema)) body: RotateKekInput) {
    const rotated = await this.keks.rotate(env, body.context);
    if (!rotated) throw new NotFoundError('a key-encryption key for the context', canonicalContext(body.context));
    this.rekeys.runSoon();
    return { key_id: rotated.id, version: rotated.version, context: body.context };
  }
}
