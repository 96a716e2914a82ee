import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EnvironmentId, type PaginationQuery, RequireApiKey, ZodPipe } from '@wos/platform';
import { UsersService } from '../users/users.service';
import { MfaService } from './mfa.service';
import {
  challengeFactorSchema,
  createUserFactorSchema,
  enrollFactorSchema,
  listFactorsQuerySchema,
  verifyChallengeSchema,
  type CreateUserFactorInput,
  type EnrollFactorInput,
  type VerifyChallengeInput,
} from './mfa.dto';

/** Standalone MFA (WORKOS_API.md §8). */
@RequireApiKey()
@Controller('auth')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('factors/enroll')
  @HttpCode(201)
  async enroll(@EnvironmentId() env: string, @Body(new ZodPipe(enrollFactorSchema)) body: EnrollFactorInput) {
    return (await this.mfa.enroll(env, { type: body.type, issuer: body.totp_issuer, user: body.totp_user })).factor;
  }

  @Get('factors/:id')
  getFactor(@EnvironmentId() env: string, @Param('id') id: string) {
    return this.mfa.getFactor(env, id);
  }

  @Delete('factors/:id')
  @HttpCode(204)
  async deleteFactor(@EnvironmentId() env: string, @Param('id') id: string): Promise<void> {
    await this.mfa.deleteFactor(env, id);
  }

  @Post('factors/:id/challenge')
  @HttpCode(201)
  challenge(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(challengeFactorSchema)) _body: unknown) {
    return this.mfa.challenge(env, id);
  }

  @Post('challenges/:id/verify')
  @HttpCode(200)
  verify(@EnvironmentId() env: string, @Param('id') id: string, @Body(new ZodPipe(verifyChallengeSchema)) body: VerifyChallengeInput) {
    return this.mfa.verify(env, id, body.code);
  }
}

/** User-scoped factors (WORKOS_API.md §7.9). */
@RequireApiKey()
@Controller('user_management/users/:userId/auth_factors')
export class UserFactorsController {
  constructor(
    private readonly mfa: MfaService,
    private readonly users: UsersService,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@EnvironmentId() env: string, @Param('userId') userId: string, @Body(new ZodPipe(createUserFactorSchema)) body: CreateUserFactorInput) {
    const user = await this.users.mustFind(env, userId);
    const r = await this.mfa.enroll(env, { type: body.type, userId: user.id, issuer: body.totp_issuer, user: body.totp_user ?? user.email, secret: body.totp_secret, withChallenge: true });
    return { authentication_factor: r.factor, authentication_challenge: r.challenge };
  }

  @Get()
  async list(@EnvironmentId() env: string, @Param('userId') userId: string, @Query(new ZodPipe(listFactorsQuerySchema)) q: PaginationQuery) {
    await this.users.mustFind(env, userId);
    return this.mfa.listForUser(env, userId, q);
  }
}
