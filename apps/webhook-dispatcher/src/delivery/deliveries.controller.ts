import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { DeliveriesService } from './deliveries.service';
import { listAttemptsQuerySchema, redeliverSchema, replaySchema, type ListAttemptsQuery, type RedeliverInput, type ReplayInput } from './deliveries.dto';

/** The delivery log and redelivery: our extension, under the endpoint it concerns. */
@Controller('webhook_endpoints/:id')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('delivery_attempts')
  list(@EnvironmentId() env: string, @Param('id') id: string, @Query(new ZodPipe(listAttemptsQuerySchema)) query: ListAttemptsQuery) {
    return this.deliveries.listAttempts(env, id, query);
  }

  @Post('redeliveries')
  @HttpCode(202)
  redeliver(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(redeliverSchema)) body: RedeliverInput) {
    return this.deliveries.redeliver(env, id, body);
  }

  @Post('replays')
  @HttpCode(202)
  replay(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(replaySchema)) body: ReplayInput) {
    return this.deliveries.replay(env, id, body);
  }
}
