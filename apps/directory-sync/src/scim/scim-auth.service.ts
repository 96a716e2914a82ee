import { Injectable } from '@nestjs/common';
import { safeEqual, sha256Hex } from '@wos/platform';
import { DirectoriesService } from '../directories/directories.service';
import type { DirectoryRow } from '../directories/directories.dto';
import { ScimError } from '../scim-core/scim-errors';

export interface ScimContext {
  directory: DirectoryRow;
  environmentId: string;
  baseUrl: string;
}

/* Compared against when the directory does not exist, so both failures take the same path. */
const NO_DIRECTORY_HASH = sha256Hex('no such directory');

/**
 * Authenticates a SCIM request. Invariant: the environment comes only from the directory row the
 * token belongs to (the gateway passes /scim through unsigned), and a token authorises only the
 * directory in its URL.
 */
@Injectable()
export class ScimAuthService {
  constructor(private readonly directories: DirectoriesService) {}

  async authenticate(directoryId: string, authorization: string | undefined): Promise<ScimContext> {
    const match = /^Bearer[ ]+(\S{1,512})\s*$/i.exec(authorization ?? '');
    const given = sha256Hex(match?.[1] ?? '');
    const matches = (d: DirectoryRow | null): d is DirectoryRow => safeEqual(given, d?.token_hash ?? NO_DIRECTORY_HASH) && !!match && !!d;
    let directory = await this.directories.findForScim(directoryId);
    // A miss against a cached row is checked against the database before it is refused.
    if (!matches(directory)) directory = await this.directories.findForScim(directoryId, true);
    if (!matches(directory)) throw ScimError.unauthorized();
    await this.directories.activate(directory);
    return { directory, environmentId: directory.environment_id, baseUrl: this.directories.scimBaseUrl(directory.id) };
  }
}
