import { Inject, Injectable } from '@nestjs/common';
import { internalAuthKeyFor, internalJson } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** What directory-sync says about a directory for provisioning. */
export interface DirectoryProvisioning {
  directory_id: string;
  organization_id: string;
  user_provisioning: boolean;
  /** Groups kept as organization groups (only with user_provisioning). */
  group_provisioning: boolean;
}

/**
 * Directory-sync's internal provisioning endpoint (DESIGN.md rule 1: directories are its data).
 * `enabled` is false where directory-sync is not deployed (DIRECTORY_SYNC_URL unset).
 */
@Injectable()
export class DirectorySyncClient {
  private readonly url: string | undefined;
  private readonly key: string | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.url = config.DIRECTORY_SYNC_URL;
    this.key = this.url ? internalAuthKeyFor(config, 'directory-sync') : undefined;
  }

  get enabled(): boolean {
    return this.url !== undefined;
  }

  /** The directory's settings, or null when it no longer exists in this environment. */
  provisioning(environmentId: string, directoryId: string): Promise<DirectoryProvisioning | null> {
    return internalJson<DirectoryProvisioning>(`${this.url}/internal/directory-sync/directories/${encodeURIComponent(directoryId)}/provisioning`, { key: this.key!, audience: 'directory-sync', environmentId });
  }
}
