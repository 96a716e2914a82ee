import { AsyncLocalStorage } from 'node:async_hooks';
import { TOKEN_LOOKUP_MODELS, type OAuthArtifactsRepository, type ArtifactPayload, type FoundToken } from './oauth-artifacts.repository';

/** The current request's state for the adapter, one object per request (never shared between requests). */
export interface OAuthRequestContext {
  /** How the request authenticates its client (RFC 6749 §2.3.1 allows either): the client lookup shows that method. */
  clientAuth: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** Token lookups under way, by value: concurrent finds under the TOKEN_LOOKUP_MODELS share one statement. */
  tokenLookups?: Map<string, Promise<Map<string, FoundToken>>>;
  /**
   * Rows read along with a token by this request (its grant by ID, its session by uid), each
   * served once to the lookup that follows (null: there is none); any write drops them all.
   */
  prefetched?: Map<string, ArtifactPayload | null>;
}

const TOKEN_LOOKUP = new Set(TOKEN_LOOKUP_MODELS);
export const oauthRequestContext = new AsyncLocalStorage<OAuthRequestContext>();

/** Client metadata for oidc-provider, built from a Connect application (oauth-clients.ts). */
export interface ClientSource {
  find(environmentId: string, clientId: string): Promise<Record<string, unknown> | undefined>;
  register(environmentId: string, clientId: string, metadata: Record<string, unknown>): Promise<void>;
  remove(environmentId: string, clientId: string): Promise<void>;
}

/** After any write, a row read earlier in the request may be stale: its next lookup reads the database. */
function dropPrefetched(): void {
  oauthRequestContext.getStore()?.prefetched?.clear();
}

/** The prefetched row under `key` (taken: served once), or undefined when none was prefetched. */
function takePrefetched(context: OAuthRequestContext, key: string): { row: ArtifactPayload | undefined } | undefined {
  if (!context.prefetched?.has(key)) return undefined;
  const row = context.prefetched.get(key);
  context.prefetched.delete(key);
  return { row: row ?? undefined };
}

const grantKey = (grantId: string) => `Grant:${grantId}`;
const sessionKey = (uid: string) => `Session#${uid}`;

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
      dropPrefetched();
      if (this.model === 'Client') return clients.register(environmentId, id, payload);
      await repo.upsert(environmentId, this.model, id, payload, expiresIn);
    }

    async find(id: string): Promise<ArtifactPayload | undefined> {
      if (typeof id !== 'string' || id.length > 4096) return undefined;
      if (this.model === 'Client') return id.length <= 64 ? clients.find(environmentId, id) : undefined;
      const context = oauthRequestContext.getStore();
      if (!context) return repo.find(environmentId, this.model, id);
      const prefetched = takePrefetched(context, `${this.model}:${id}`);
      if (prefetched) return prefetched.row;
      if (!TOKEN_LOOKUP.has(this.model)) return repo.find(environmentId, this.model, id);
      // Introspection and revocation find a value under each token model at once: one statement,
      // which also reads the token's grant and session (what introspection looks up next).
      context.tokenLookups ??= new Map();
      let lookup = context.tokenLookups.get(id);
      if (!lookup) {
        const started = repo.findToken(environmentId, id);
        lookup = started;
        context.tokenLookups.set(id, started);
        // Only concurrent finds share it: a later find in this request reads afresh.
        const done = () => void (context.tokenLookups?.get(id) === started && context.tokenLookups.delete(id));
        started.then(done, done);
      }
      const found = (await lookup).get(this.model);
      if (!found) return undefined;
      const { grantId, sessionUid } = found.payload;
      context.prefetched ??= new Map();
      if (typeof grantId === 'string') context.prefetched.set(grantKey(grantId), found.grant);
      if (typeof sessionUid === 'string') context.prefetched.set(sessionKey(sessionUid), found.session);
      return { ...found.payload };
    }

    async findByUid(uid: string): Promise<ArtifactPayload | undefined> {
      const context = oauthRequestContext.getStore();
      const prefetched = context && this.model === 'Session' ? takePrefetched(context, sessionKey(uid)) : undefined;
      if (prefetched) return prefetched.row;
      return repo.findByUid(environmentId, this.model, uid);
    }

    /* Device flow is not enabled: no user codes exist. */
    async findByUserCode(): Promise<undefined> {
      return undefined;
    }

    /** Atomic: of two requests spending one refresh token or code, only the first succeeds. */
    async consume(id: string): Promise<void> {
      dropPrefetched();
      if (!(await repo.consume(environmentId, this.model, id))) onConsumeRace(new AlreadyConsumedError(`${this.model} already consumed`));
    }

    async destroy(id: string): Promise<void> {
      dropPrefetched();
      if (this.model === 'Client') return clients.remove(environmentId, id);
      await repo.destroy(environmentId, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      dropPrefetched();
      await repo.revokeByGrantId(environmentId, grantId);
    }
  };
}
