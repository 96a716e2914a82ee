import { AsyncLocalStorage } from 'node:async_hooks';
import type { OAuthArtifactsRepository, ArtifactPayload } from './oauth-artifacts.repository';

/** What the current request tells the client lookup: how it authenticates its client (RFC 6749 §2.3.1 allows either). */
export interface OAuthRequestContext {
  clientAuth: 'client_secret_basic' | 'client_secret_post' | 'none';
}
export const oauthRequestContext = new AsyncLocalStorage<OAuthRequestContext>();

/** Client metadata for oidc-provider, built from a Connect application (oauth-clients.ts). */
export interface ClientSource {
  find(environmentId: string, clientId: string): Promise<Record<string, unknown> | undefined>;
  register(environmentId: string, clientId: string, metadata: Record<string, unknown>): Promise<void>;
  remove(environmentId: string, clientId: string): Promise<void>;
}

/** Thrown by `consume` when a racing request consumed the artefact first (see the refresh grant). */
export class AlreadyConsumedError extends Error {}

/**
 * oidc-provider's adapter interface (one instance per model name) over Postgres, bound to one
 * environment: a token issued for one environment's issuer is never found by another's.
 * Clients are Connect applications, never adapter rows.
 */
export function adapterFor(environmentId: string, repo: OAuthArtifactsRepository, clients: ClientSource, onConsumeRace: (err: AlreadyConsumedError) => never) {
  return class PostgresAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: ArtifactPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') return clients.register(environmentId, id, payload);
      await repo.upsert(environmentId, this.model, id, payload, expiresIn);
    }

    async find(id: string): Promise<ArtifactPayload | undefined> {
      if (typeof id !== 'string' || id.length > 4096) return undefined;
      if (this.model === 'Client') return id.length <= 64 ? clients.find(environmentId, id) : undefined;
      return repo.find(environmentId, this.model, id);
    }

    async findByUid(uid: string): Promise<ArtifactPayload | undefined> {
      return repo.findByUid(environmentId, this.model, uid);
    }

    /* Device flow is not enabled: no user codes exist. */
    async findByUserCode(): Promise<undefined> {
      return undefined;
    }

    /** Atomic: of two requests spending one refresh token or code, only the first succeeds. */
    async consume(id: string): Promise<void> {
      if (!(await repo.consume(environmentId, this.model, id))) onConsumeRace(new AlreadyConsumedError(`${this.model} already consumed`));
    }

    async destroy(id: string): Promise<void> {
      if (this.model === 'Client') return clients.remove(environmentId, id);
      await repo.destroy(environmentId, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await repo.revokeByGrantId(environmentId, grantId);
    }
  };
}
