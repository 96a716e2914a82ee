import { Controller, Get, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { attemptStatsQuerySchema, type AttemptStatsQuery } from './attempts.dto';
import { AttemptsService } from './attempts.service';

/** `GET /radar/stats` (our extension): attempt counts per rule and verdict over time. */
@Controller('radar/stats')
export class StatsController {
  constructor(private readonly attempts: AttemptsService) {}

  @Get()
  stats(@EnvironmentId() env: string, @Query(new ZodPipe(attemptStatsQuerySchema)) q: AttemptStatsQuery) {
    return this.attempts.stats(env, q);
  }
}
