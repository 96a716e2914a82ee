import { Inject, Injectable } from '@nestjs/common';
import { DomainError, NotFoundError, signInternalContext } from '@wos/platform';
import { hasIdShape } from '@wos/contracts';
import { APP_CONFIG, type AppConfig } from '../config';

/**
 * Reads organizations from the organizations service (DESIGN.md rule 1: no shared database),
 * with the same signed environment context the gateway uses, so another environment's
 * organization is a 404 here too.
 */
@Injectable()
export class OrganizationsClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async mustGet(environmentId: string, organizationId: string): Promise<{ id: string; name: string }> {
    if (!hasIdShape(organizationId, 'org')) throw new NotFoundError('an organization', organizationId);
    let res: Response;
    try {
      res = await fetch(`${this.config.ORGANIZATIONS_URL}/organizations/${encodeURIComponent(organizationId)}`, {
        headers: signInternalContext(this.config.INTERNAL_AUTH_SECRET, environmentId),
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      throw new DomainError(503, 'service_unavailable', 'The organizations service is unavailable; retry later.');
    }
    if (res.status === 404) throw new NotFoundError('an organization', organizationId);
    if (!res.ok) throw new DomainError(503, 'service_unavailable', 'The organizations service is unavailable; retry later.');
    const body = (await res.json()) as { id: string; name: string };
    return { id: body.id, name: body.name };
  }
}
