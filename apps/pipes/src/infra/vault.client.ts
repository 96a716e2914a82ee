import { Inject, Injectable } from '@nestjs/common';
import { DomainError, internalAuthKeyFor, internalFetch } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** The object is gone for good: deleted, or its organization's KEK was crypto-shredded. */
export class VaultObjectGoneError extends Error {
  override name = 'VaultObjectGoneError';
  constructor(readonly code: string) {
    super(`vault object unavailable (${code})`);
  }
}

/**
 * Vault's KV API over the signed internal context of the caller's environment (DESIGN.md rule 1:
 * pipes never reads vault's database). Invariant: secrets travel only in request and response
 * bodies, never in a URL, a log line or an error message. Vault unreachable or failing is a 503.
 */
@Injectable()
export class VaultClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async create(environmentId: string, name: string, value: string, keyContext: Record<string, string>): Promise<string> {
    const body = await this.call<{ id: string }>(environmentId, 'POST', '/vault/v1/kv', { name, value, key_context: keyContext });
    return body.id;
  }

  async read(environmentId: string, id: string): Promise<string> {
    return (await this.call<{ value: string }>(environmentId, 'GET', `/vault/v1/kv/${encodeURIComponent(id)}`)).value;
  }

  async update(environmentId: string, id: string, value: string): Promise<void> {
    await this.call(environmentId, 'PUT', `/vault/v1/kv/${encodeURIComponent(id)}`, { value });
  }

  /** Deleting an object that is already gone succeeds. */
  async delete(environmentId: string, id: string): Promise<void> {
    try {
      await this.call(environmentId, 'DELETE', `/vault/v1/kv/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof VaultObjectGoneError)) throw err;
    }
  }

  private async call<T>(environmentId: string, method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await internalFetch(
        `${this.config.VAULT_URL}${path}`,
        { key: internalAuthKeyFor(this.config, 'vault'), audience: 'vault', environmentId },
        {
          method,
          ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
          signal: AbortSignal.timeout(this.config.VAULT_TIMEOUT_MS),
        },
      );
    } catch {
      throw new DomainError(503, 'vault_unavailable', 'The token store is unavailable. Try again.');
    }
    if (res.ok) return (await res.json()) as T;
    const error = (await res.json().catch(() => ({}))) as { code?: string };
    if (res.status === 404) throw new VaultObjectGoneError(error.code ?? 'entity_not_found');
    throw new DomainError(503, 'vault_unavailable', `The token store answered ${res.status}.`);
  }
}
