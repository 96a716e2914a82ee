import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { EnvironmentId, ZodPipe } from '@wos/platform';
import { organizationContinuationSchema, type OrganizationContinuationInput } from './attempts.dto';
import { AttemptsService } from './attempts.service';

/**
 * Identity's internal call (no gateway route): the sign-in of attempt `:id` continues into the
 * organization its user picked, and radar judges that organization (unverified_domain). Answers
 * createAttempt's verdict with the environment's fail policy; 404 for an attempt that is not a
 * sign-in of this environment.
 */
@Controller('internal/radar/attempts')
export class AttemptContinuationsController {
  constructor(private readonly attempts: AttemptsService) {}

  @Post(':id/organization')
  @HttpCode(200)
  continueIntoOrganization(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(organizationContinuationSchema)) body: OrganizationContinuationInput) {
    return this.attempts.continueIntoOrganization(env, id, body.organization_id);
  }
}
