import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';

/*
 * The gateway signs a public_client context (a caller known by a client ID alone) on its
 * client-ID routes, and each service refuses such a context on every path it does not list in
 * publicClientPathPrefixes (bootstrapService). The two lists must agree: a client-ID route whose
 * service does not list it would answer 401 to every browser, and a listed path no client-ID route
 * reaches would open a management route to public clients.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
type Route = { prefix: string; upstream: string; auth: string };
/* eslint-disable @typescript-eslint/no-require-imports */
const { ROUTES } = require(join(ROOT, 'apps/api-gateway/dist/src/routing/route.table.js')) as { ROUTES: Route[] };
const LISTED: Record<string, string[]> = {
  identity: (require(join(ROOT, 'apps/identity/dist/src/identity.app.js')) as { PUBLIC_CLIENT_PATHS: string[] }).PUBLIC_CLIENT_PATHS,
  sso: (require(join(ROOT, 'apps/sso/dist/src/sso.app.js')) as { PUBLIC_CLIENT_PATHS: string[] }).PUBLIC_CLIENT_PATHS,
};
/* eslint-enable @typescript-eslint/no-require-imports */
const PUBLIC_CLIENT_MODES = new Set(['client_id', 'client_id_path', 'api_key_or_client_id', 'widget_token']);

/* A route prefix as the service receives it, up to its first parameter (`/oauth2/:client_id` → `/oauth2`). */
const fixedPart = (prefix: string) => prefix.split('/:')[0]!;
const isUnder = (path: string, prefixes: string[]) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));

describe('the paths a public client may reach', () => {
  const publicRoutes = ROUTES.filter((r) => PUBLIC_CLIENT_MODES.has(r.auth));

  test('every client-ID route of the gateway is listed by its service', () => {
    assert.ok(publicRoutes.length >= 8, 'the gateway has client-ID routes');
    for (const r of publicRoutes) assert.ok(isUnder(fixedPart(r.prefix), LISTED[r.upstream] ?? []), `${r.prefix} (${r.auth}) → ${r.upstream}`);
  });

  test('every listed path is a client-ID route of the gateway to that service', () => {
    for (const [service, paths] of Object.entries(LISTED)) {
      for (const p of paths) assert.ok(publicRoutes.some((r) => r.upstream === service && fixedPart(r.prefix) === p), `${service} lists ${p}`);
    }
  });

  test('no other service takes a public client', () => {
    assert.deepEqual([...new Set(publicRoutes.map((r) => r.upstream))].sort(), Object.keys(LISTED).sort());
  });
});
