import { Controller, Get, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { listCheckpointsQuerySchema, type ListCheckpointsQuery } from './chain.dto';
import { ChainService } from './chain.service';

/** The hash chain's public face: its signing keys (no credential) and an organization's checkpoints. */
@Controller('audit_logs/chain')
export class ChainController {
  constructor(private readonly chain: ChainService) {}

  @Get('keys')
  keys() {
    return this.chain.publicKeys();
  }

  @Get('checkpoints')
  async checkpoints(@EnvironmentId() env: string, @Query(new ZodPipe(listCheckpointsQuerySchema)) q: ListCheckpointsQuery) {
    const data = await this.chain.listCheckpoints(env, q.organization_id, q.after, q.limit);
    const last = data.length === q.limit ? data[data.length - 1] : undefined;
    return { object: 'list', data, list_metadata: { before: null, after: last ? String(last.seq) : null } };
  }
}
