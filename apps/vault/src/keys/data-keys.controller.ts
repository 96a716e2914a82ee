import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { EnvironmentId, RequireApiKey, ZodPipe } from '@wos/platform';
import {
  createDataKeySchema,
  decryptDataKeySchema,
  rekeySchema,
  type CreateDataKeyInput,
  type DecryptDataKeyInput,
  type RekeyInput,
} from './data-keys.dto';
import { DataKeysService } from './data-keys.service';

/** `/vault/v1/keys/*` (WORKOS_API.md §14.2): the keys the SDK's local vault.encrypt/decrypt use. */
@Controller('vault/v1/keys')
@RequireApiKey()
export class DataKeysController {
  constructor(private readonly dataKeys: DataKeysService) {}

  @Post('data-key')
  @HttpCode(200)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createDataKeySchema)) body: CreateDataKeyInput) {
    return this.dataKeys.createDataKey(env, body.context);
  }

  @Post('decrypt')
  @HttpCode(200)
  decrypt(@EnvironmentId() env: string, @Body(new ZodPipe(decryptDataKeySchema)) body: DecryptDataKeyInput) {
    return this.dataKeys.decryptDataKey(env, body.keys);
  }

  @Post('rekey')
  @HttpCode(200)
  rekey(@EnvironmentId() env: string, @Body(new ZodPipe(rekeySchema)) body: RekeyInput) {
    return this.dataKeys.rekey(env, body.context, body.encrypted_keys);
  }
}
