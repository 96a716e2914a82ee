import type { OpenApiService } from '../openapi/openapi.service';
import { hintFor } from '../routing/aliases';
import { nearestRoute, type KnownRoute } from '../routing/route-suggestions';
import { isReserved, type RouteMatcher } from '../routing/route.table';
import { GatewayErrors, type GatewayError } from './gateway.replies';

const RESERVED_DETAIL = 'It belongs to a product this deployment does not serve yet.';

/**
 * The 404 for a request no route serves, with the most helpful message the gateway can give:
 * an alias hint, the nearest documented route, or a not-yet-built product. Suggestions come only
 * from routes the caller may call: without an API key, only the public ones (browser, token and
 * IdP-facing routes). Runs only for requests that answer 404, never for served ones.
 */
export class NotFoundExplainer {
  private readonly known = new WeakMap<object, { withKey: KnownRoute[]; withoutKey: KnownRoute[] }>();

  constructor(
    private readonly openapi: OpenApiService,
    private readonly matcher: RouteMatcher,
  ) {}

  async error(method: string, path: string, withApiKey: boolean, aliasOf?: string): Promise<GatewayError> {
    if (aliasOf) return GatewayErrors.notFound(aliasOf, `It is an older spelling of '${path.slice(0, 300)}'. ${isReserved(path) ? RESERVED_DETAIL : ''}`.trim());
    const hint = hintFor(this.matcher.aliases, method, path);
    if (hint) return GatewayErrors.notFound(path, hint);
    const nearest = nearestRoute(method, path, await this.routes(withApiKey));
    if (nearest) return GatewayErrors.notFound(path, `Did you mean ${nearest}?`);
    return GatewayErrors.notFound(path, isReserved(path) ? RESERVED_DETAIL : undefined);
  }

  private async routes(withApiKey: boolean): Promise<KnownRoute[]> {
    const doc = (await this.openapi.document()) as { paths?: Record<string, Record<string, { deprecated?: boolean }>> };
    let lists = this.known.get(doc);
    if (!lists) {
      const withKey: KnownRoute[] = [];
      const withoutKey: KnownRoute[] = [];
      for (const [path, ops] of Object.entries(doc.paths ?? {})) {
        const methods = Object.entries(ops)
          .filter(([, op]) => !op.deprecated)
          .map(([m]) => m.toUpperCase());
        const route = this.matcher.match(path.replace(/\{[^}]+\}/g, 'x'));
        if (!methods.length || !route) continue;
        withKey.push({ path, methods });
        if (route.auth !== 'api_key') withoutKey.push({ path, methods });
      }
      lists = { withKey, withoutKey };
      this.known.set(doc, lists);
    }
    return withApiKey ? lists.withKey : lists.withoutKey;
  }
}
