import { Module } from '@nestjs/common';
import { EmailFlowsModule } from '../email-flows/email-flows.module';
import { UsersModule } from '../users/users.module';
import { EmailChangeController } from './email-change.controller';
import { EmailChangeService } from './email-change.service';

/** A user's email change, confirmed by a code sent to the new address. */
@Module({
  imports: [EmailFlowsModule, UsersModule],
  controllers: [EmailChangeController],
  providers: [EmailChangeService],
})
export class EmailChangeModule {}
