import { Injectable } from '@nestjs/common';
import { LogStreamsService } from '../log-streams/log-streams.service';
import { RetentionService } from '../retention/retention.service';
import { toLogStreamSummary, type AuditLogConfigurationWire } from './configuration.dto';

/** One view of an organization's audit logging: its retention and its log stream (read only). */
@Injectable()
export class ConfigurationService {
  constructor(
    private readonly retention: RetentionService,
    private readonly streams: LogStreamsService,
  ) {}

  async get(environmentId: string, organizationId: string): Promise<AuditLogConfigurationWire> {
    // RetentionService refuses an ID that is not an organization's (404).
    const { retention_period_in_days } = await this.retention.get(environmentId, organizationId);
    const stream = await this.streams.currentForOrganization(environmentId, organizationId);
    return {
      organization_id: organizationId,
      retention_period_in_days: retention_period_in_days!,
      state: 'active',
      ...(stream ? { log_stream: toLogStreamSummary(stream) } : {}),
    };
  }
}
