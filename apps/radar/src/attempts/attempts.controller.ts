import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { createAttemptSchema, listAttemptsQuerySchema, updateAttemptSchema, type CreateAttemptInput, type ListAttemptsQuery, type UpdateAttemptInput } from './attempts.dto';
import { AttemptsService } from './attempts.service';

/** `radar.createAttempt` and `radar.updateAttempt`, plus our management reads of stored attempts. */
@Controller('radar/attempts')
export class AttemptsController {
  constructor(private readonly attempts: AttemptsService) {}

  /**
   * Ours, for identity's call: `?include=fail_policy` adds the environment's fail policy to the
   * verdict; `?failures=reported` says the caller reports a failed attempt by its own event (the
   * attempt is made before its credential is checked), so the attempt does not join the failure
   * windows itself.
   */
  @Post()
  @HttpCode(200)
  create(@EnvironmentId() env: string, @Body(new ZodPipe(createAttemptSchema)) body: CreateAttemptInput, @Query('include') include?: string, @Query('failures') failures?: string) {
    return this.attempts.create(env, body, { includeFailPolicy: include === 'fail_policy', failuresReported: failures === 'reported' });
  }

  @Put(':id')
  update(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(updateAttemptSchema)) body: UpdateAttemptInput) {
    return this.attempts.update(env, id, body);
  }

  @Get()
  list(@EnvironmentId() env: string, @Query(new ZodPipe(listAttemptsQuerySchema)) query: ListAttemptsQuery) {
    return this.attempts.list(env, query);
  }

  @Get(':id')
  get(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.attempts.get(env, id);
  }
}
