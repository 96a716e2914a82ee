import type { WorkOS } from '@workos-inc/node';
import type { ScimClient } from '../support/scim-client';
import { USER_SCHEMA } from '../support/scim-client';

/** One HTTP exchange the workload made; status 0 means no answer (refused, reset, timed out). */
export interface HttpRecord {
  at: number;
  method: string;
  path: string;
  status: number;
  error?: string;
}

/** Every request through the gateway, with the time its answer (or failure) came. */
export class HttpLog {
  readonly records: HttpRecord[] = [];

  /** A fetch for the SDK that records each exchange and gives up after `timeoutMs`. */
  fetchFn(timeoutMs: number): typeof fetch {
    return async (input, init) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const method = init?.method ?? 'GET';
      try {
        const res = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
        this.records.push({ at: Date.now(), method, path: url.pathname, status: res.status });
        return res;
      } catch (err) {
        this.records.push({ at: Date.now(), method, path: url.pathname, status: 0, error: (err as Error).message });
        throw err;
      }
    };
  }

  /** Answers that count as server failures: 5xx, or none at all. */
  failures(from = 0): HttpRecord[] {
    return this.records.filter((r) => r.at >= from && (r.status === 0 || r.status >= 500));
  }
}

/**
 * One write the workload made. `acked` when the API answered 2xx (the write must then be
 * readable and its event stored exactly once); otherwise it is ambiguous: it may or may not have
 * happened, and may leave at most one event.
 */
export interface Write {
  kind:
    | 'organization.created'
    | 'organization.updated'
    | 'user.created'
    | 'dsync.user.created'
    | 'audit_log_event'
    | 'sign_in'
    | 'sso_connection'
    | 'vault_object'
    | 'permission'
    | 'radar_attempt'
    | 'service_read';
  /** What identifies the write's effect: an org name for organization events, else an entity ID or actor ID. */
  key: string;
  /** The organization its event is ordered within (per-organization order), if any. */
  organizationId?: string;
  /** The entity to read back when acked. */
  entityId?: string;
  /** What the read-back must return (a vault object's value). */
  expected?: string;
  acked: boolean;
  at: number;
}

export interface WorkloadTargets {
  workos: WorkOS;
  /** The gateway's base URL (for the Dashboard's pages, which no SDK call reads). */
  baseUrl: string;
  clientId: string;
  scim: ScimClient;
  /** The organization the SCIM directory belongs to. */
  directoryOrganizationId: string;
  log: HttpLog;
}

const PASSWORD = 'chaos-Password-1234!';

/**
 * Services the workload reads but does not write (`service_read`): one read through the gateway
 * each, which the recovery probe makes until it is answered, so a killed one must come back.
 */
export const READ_ONLY_SERVICES = ['pipes', 'admin-portal', 'dashboard'] as const;

/**
 * The mixed workload: organizations (created and renamed), users with a sign-in each (identity
 * asks radar about each), SCIM user pushes, audit-log events, SSO connections, vault objects,
 * authorization permissions, radar attempts, and reads of pipes, the Admin Portal and the
 * Dashboard, one after another in a loop until stopped. Every attempt is recorded as a Write;
 * failures are expected during a fault and never stop the loop.
 */
export class Workload {
  readonly writes: Write[] = [];
  private stopping = false;
  private loop?: Promise<void>;
  private n = 0;
  private readonly orgs: { id: string; name: string; version: number }[] = [];

  constructor(
    private readonly t: WorkloadTargets,
    private readonly label: string,
  ) {}

  /** Number of attempted operations so far. */
  get operations(): number {
    return this.n;
  }

  start(): void {
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) await this.step();
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  /** Acked writes made since `from` (ms). */
  acked(from = 0): Write[] {
    return this.writes.filter((w) => w.acked && w.at >= from);
  }

  /**
   * One round of every kind of write (the recovery probe): true when each was acknowledged.
   * A write that failed is retried by the next call, as a client would.
   */
  async probe(): Promise<boolean> {
    const from = this.writes.length;
    await this.step(true);
    return this.writes.slice(from).every((w) => w.acked);
  }

  private async step(all = false): Promise<void> {
    const i = this.n++;
    const from = this.writes.length;
    const id = `${this.label}-${i}`;
    await this.attempt({ kind: 'organization.created', key: `${id}` }, async (w) => {
      const org = await this.t.workos.organizations.createOrganization({ name: id });
      this.orgs.push({ id: org.id, name: id, version: 0 });
      w.organizationId = org.id;
      w.entityId = org.id;
    });
    const target = this.orgs[Math.floor(this.orgs.length / 2)];
    if ((all || i % 3 === 1) && target) {
      const name = `${target.name} v${++target.version}`;
      await this.attempt({ kind: 'organization.updated', key: name, organizationId: target.id, entityId: target.id }, () =>
        this.t.workos.organizations.updateOrganization({ organization: target.id, name }),
      );
    }
    if (all || i % 2 === 0) {
      const email = `${id}@chaos.example`;
      let userId: string | undefined;
      await this.attempt({ kind: 'user.created', key: email }, async (w) => {
        const user = await this.t.workos.userManagement.createUser({ email, password: PASSWORD, firstName: 'Chaos' });
        w.key = user.id;
        w.entityId = user.id;
        userId = user.id;
      });
      if (userId) {
        await this.attempt({ kind: 'sign_in', key: userId, entityId: userId }, async () => {
          const auth = await this.t.workos.userManagement.authenticateWithPassword({ clientId: this.t.clientId, email, password: PASSWORD });
          if (auth.user.id !== userId) throw new Error(`signed in as ${auth.user.id}, not ${userId}`);
        });
      }
    }
    if (all || i % 3 === 0) {
      const userName = `${id}@scim.chaos.example`;
      await this.attempt({ kind: 'dsync.user.created', key: userName, organizationId: this.t.directoryOrganizationId }, async (w) => {
        const r = await this.scimCall('POST', '/Users', { schemas: [USER_SCHEMA], userName, emails: [{ value: userName, primary: true }], name: { givenName: 'Chaos', familyName: String(i) } });
        if (r.status !== 201) throw new Error(`SCIM POST /Users answered ${r.status}`);
        w.key = (r.body as { id: string }).id;
        w.entityId = w.key;
      });
    }
    const auditOrg = this.orgs.at(-1);
    if ((all || i % 2 === 1) && auditOrg) {
      const actor = `actor_${id}`;
      await this.attempt({ kind: 'audit_log_event', key: actor, organizationId: auditOrg.id }, () =>
        this.t.workos.auditLogs.createEvent(auditOrg.id, {
          action: 'chaos.tested',
          occurredAt: new Date(),
          actor: { id: actor, type: 'user' },
          targets: [{ id: auditOrg.id, type: 'organization' }],
          context: { location: '203.0.113.7', userAgent: 'chaos' },
        }),
      );
    }
    const lastOrg = this.orgs.at(-1);
    if ((all || i % 4 === 0) && lastOrg) {
      await this.attempt({ kind: 'sso_connection', key: `${id}-sso` }, async (w) => {
        const { data } = await this.t.workos.post<{ id: string }>('/connections', {
          name: `${id} Google`,
          connection_type: 'GoogleOAuth',
          organization_id: lastOrg.id,
          oauth: { client_id: `chaos-${id}`, client_secret: 'chaos-client-secret' },
        });
        w.entityId = data.id;
      });
    }
    if ((all || i % 4 === 1) && lastOrg) {
      const value = `secret-of-${id}`;
      await this.attempt({ kind: 'vault_object', key: `${id}-kv`, expected: value }, async (w) => {
        const object = await this.t.workos.vault.createObject({ name: `${id}-kv`, value, context: { organization_id: lastOrg.id } });
        w.entityId = object.id;
      });
    }
    if (all || i % 4 === 2) {
      const slug = `${id}:write`;
      await this.attempt({ kind: 'permission', key: slug, entityId: slug }, () => this.t.workos.authorization.createPermission({ slug, name: `Write ${id}` }));
    }
    if (all || i % 4 === 3) {
      await this.attempt({ kind: 'radar_attempt', key: `${id}-radar` }, async (w) => {
        const verdict = await this.t.workos.radar.createAttempt({
          ipAddress: '203.0.113.9',
          userAgent: 'chaos',
          email: `${id}@radar.chaos.example`,
          authMethod: 'Password',
          action: 'sign-in',
        });
        w.entityId = verdict.attemptId;
      });
    }
    if (all || i % 6 === 5) for (const service of READ_ONLY_SERVICES) await this.attempt({ kind: 'service_read', key: service }, () => this.readService(service));
    // Paces a loop that finds the stack down, so a fault is not answered with a busy loop.
    if (!all && this.writes.slice(from).some((w) => !w.acked)) await new Promise((r) => setTimeout(r, 250));
  }

  /** One read of a service the workload does not write, through the gateway; throws unless answered. */
  private async readService(service: (typeof READ_ONLY_SERVICES)[number]): Promise<void> {
    if (service === 'pipes') await this.t.workos.get('/data-integrations');
    else if (service === 'admin-portal') await this.t.workos.get(`/organizations/${this.t.directoryOrganizationId}/it_contacts`);
    else {
      // The console's entry page: a redirect to its sign-in for a visitor without a session.
      const res = await this.t.log.fetchFn(10_000)(`${this.t.baseUrl}/dashboard`, { redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status >= 400) throw new Error(`GET /dashboard answered ${res.status}`);
    }
  }

  /** SCIM goes to the gateway too, so its exchanges are recorded like the SDK's. */
  private async scimCall(method: string, path: string, body: unknown) {
    const started = this.t.log.fetchFn(10_000);
    const res = await started(`${this.t.scim.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.t.scim.token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  private async attempt(w: Omit<Write, 'acked' | 'at'>, run: (w: Write) => Promise<unknown>): Promise<void> {
    const write: Write = { ...w, acked: false, at: Date.now() };
    this.writes.push(write);
    try {
      await run(write);
      write.acked = true;
    } catch {
      /* a failed write stays unacknowledged: ambiguous, and checked as such */
    }
    write.at = Date.now();
  }
}
