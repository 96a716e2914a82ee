import { Inject, Injectable } from '@nestjs/common';
import { buildOpenApi, type Logger } from '@wos/platform';
import { LOGGER } from '../config';
import { ProxyService } from '../proxy/proxy.service';
import { routedUpstreams, type UpstreamName } from '../routing/route.table';
import { compileAliases } from '../routing/aliases';
import { settingsRoutes } from '../settings/settings.dto';
import { rateLimitUsageRoutes } from '../rate-limit/rate-limit-usage.dto';
import { aliasPaths } from './alias-paths';

const CACHE_TTL_MS = 60_000;
const PARTIAL_CACHE_TTL_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;

type OpenApiDoc = { paths?: Record<string, unknown>; components?: { schemas?: Record<string, unknown> } };
type Paths = Record<string, Record<string, { summary?: string; deprecated?: boolean }>>;

/* The gateway's own routes (the settings the `workos` CLI manages, and the rate-limit usage it counts). */
const GATEWAY_PATHS = buildOpenApi('api-gateway', [...settingsRoutes, ...rateLimitUsageRoutes]).paths as Paths;
const ALIASES = compileAliases();

/**
 * The public API's OpenAPI document: the `paths` of every routed service and the gateway's own,
 * plus every alias marked `deprecated`, merged and cached for a minute. A service that cannot be
 * fetched is left out and named in `x-missing-services`; such a partial document is cached for
 * seconds, so a service that starts late soon appears.
 */
@Injectable()
export class OpenApiService {
  private cached?: { doc: Record<string, unknown>; expiresAt: number };
  private building?: Promise<Record<string, unknown>>;

  constructor(
    private readonly proxy: ProxyService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async document(): Promise<Record<string, unknown>> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.doc;
    this.building ??= this.build().finally(() => (this.building = undefined));
    return this.building;
  }

  private async build(): Promise<Record<string, unknown>> {
    const upstreams = routedUpstreams();
    const docs = await Promise.all(upstreams.map((u) => this.fetch(u)));
    const paths: Paths = { ...GATEWAY_PATHS };
    const schemas: Record<string, unknown> = {};
    const missing: UpstreamName[] = [];
    docs.forEach((doc, i) => {
      if (!doc) return void missing.push(upstreams[i]!);
      Object.assign(paths, doc.paths ?? {});
      Object.assign(schemas, doc.components?.schemas ?? {});
    });
    Object.assign(paths, aliasPaths(paths, ALIASES));
    const doc = {
      openapi: '3.1.0',
      info: { title: 'WorkOS-compatible API', version: '1' },
      paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
      components: {
        schemas: {
          ...schemas,
          Error: { type: 'object', required: ['message'], properties: { message: { type: 'string' }, code: { type: 'string' }, errors: { type: 'array' } } },
        },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: sk_test_… or sk_live_…' } },
      },
      security: [{ bearer: [] }],
      'x-missing-services': missing,
    };
    this.cached = { doc, expiresAt: Date.now() + (missing.length ? PARTIAL_CACHE_TTL_MS : CACHE_TTL_MS) };
    return doc;
  }

  private async fetch(upstream: UpstreamName): Promise<OpenApiDoc | undefined> {
    try {
      const res = await this.proxy.forward(upstream, { method: 'GET', path: '/openapi.json', headers: { accept: 'application/json' } }, FETCH_TIMEOUT_MS);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      const doc = JSON.parse(res.body.toString('utf8')) as OpenApiDoc;
      if (typeof doc !== 'object' || doc === null) throw new Error('not a JSON object');
      return doc;
    } catch (err) {
      this.logger.warn({ upstream, err: (err as Error).message }, 'openapi: service document unavailable');
      return undefined;
    }
  }
}
