import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { LOGGER, type Logger } from '@wos/platform';
import { headerOf } from '@wos/platform/pages';
import { ConsoleRepository } from '../console/console.repository';
import { UpstreamClient } from '../upstream/upstream.client';

export interface AuditEntry {
  /** `dashboard.<object>.<verb>`, e.g. `dashboard.api_key.created`. */
  action: string;
  target: { type: string; id: string; name?: string };
  /** The environment the action was taken in (customer environments; absent for the console's own). */
  environmentId?: string;
}

/**
 * Every console action is an audit-log event in the built-in environment's organization (the
 * audit-logs service's public API, so its schema checks, hash chain and SIEM topic apply). The
 * actor is the signed-in member; location and user agent come from the request the gateway
 * forwarded. Limit: the event is written after the action succeeded, by a second call; if
 * audit-logs is down at that moment the action stands and the failure is logged (error level),
 * not retried.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly repo: ConsoleRepository,
    private readonly upstream: UpstreamClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record(req: FastifyRequest, member: { id: string; email: string }, entry: AuditEntry): Promise<boolean> {
    const install = await this.repo.installation();
    if (!install) return false;
    const event = {
      action: entry.action,
      occurred_at: new Date().toISOString(),
      actor: { type: 'dashboard_member', id: member.id, name: member.email },
      targets: [{ type: entry.target.type, id: entry.target.id, ...(entry.target.name ? { name: entry.target.name.slice(0, 200) } : {}) }],
      context: { location: req.ip || 'unknown', user_agent: (headerOf(req, 'user-agent') ?? '').slice(0, 500) },
      ...(entry.environmentId ? { metadata: { environment_id: entry.environmentId } } : {}),
    };
    try {
      const r = await this.upstream.call('audit-logs', install.environmentId, 'POST', '/audit_logs/events', { body: { organization_id: install.organizationId, event } });
      if (r.status < 300) return true;
      this.logger.error({ status: r.status, body: r.body, action: entry.action }, 'the audit-log event of a console action was refused');
    } catch (err) {
      this.logger.error({ err, action: entry.action }, 'the audit-log event of a console action could not be written');
    }
    return false;
  }
}
