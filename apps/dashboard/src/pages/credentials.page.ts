import type { ApiKeyView, ClientIdView, CorsOriginView, EnvironmentView, RedirectUriView } from '../upstream/gateway-console.client';
import { button, code, consolePage, curl, envPath, form, h, input, link, select, table, type ConsoleContext, type EnvironmentRef, type Script } from './layout';

const when = (iso: string | null) => (iso ? h(iso.replace('T', ' ').slice(0, 19)) : '—');

export function environmentsPage(ctx: ConsoleContext, p: { environments: EnvironmentView[]; created?: { environment: EnvironmentView; api_key: { value: string }; client_id: { id: string } } }): string {
  const created = p.created
    ? `<section aria-labelledby="created-h"><h2 id="created-h">Environment created</h2><p>Its first API key, shown once: store it now.</p><p class="secret">${h(p.created.api_key.value)}</p><p>Client ID ${code(p.created.client_id.id)}</p></section>`
    : '';
  const rows = p.environments.filter((e) => !e.builtin).map((e) => [link(`/dashboard/e/${e.id}/api-keys`, e.name), code(e.id), h(e.kind), when(e.created_at)]);
  const create = form(ctx, '/dashboard/environments', `${input({ name: 'name', label: 'Name', placeholder: 'Staging' })}${select({ name: 'kind', label: 'Kind', options: [['test', 'Test (sk_test_ keys)'], ['live', 'Production (sk_live_ keys)']] })}${button('Create environment')}`, { label: 'Create an environment' });
  // No curl: environments and API keys have no public API (WorkOS has none either); docs/ARCHITECTURE.md "The Dashboard".
  const scripts: Script[] = [{ what: 'List environments', cli: 'npx wos environments list' }];
  if (p.created) scripts.push({ what: `Create the environment ${p.created.environment.name}`, cli: `npx wos environments create --name ${shell(p.created.environment.name)} --kind ${p.created.environment.kind}` });
  else scripts.push({ what: 'Create an environment', cli: 'npx wos environments create --name Staging --kind test' });
  return consolePage(ctx, { title: 'Environments', section: 'environments', body: `${created}${table('Environments', ['Name', 'ID', 'Kind', 'Created'], rows, 'No environment yet: create one.')}${create}`, scripts });
}

export function apiKeysPage(ctx: ConsoleContext, p: { base: string; keys: ApiKeyView[]; created?: ApiKeyView & { value: string }; flash?: string | null; revokedId?: string | null }): string {
  const env = ctx.environment!;
  const created = p.created
    ? `<section aria-labelledby="created-h"><h2 id="created-h">New API key</h2><p>Shown once: copy it now. Only its last four characters are kept.</p><p class="secret" id="new-api-key">${h(p.created.value)}</p></section>`
    : '';
  const rows = p.keys.map((k) => [
    h(k.name),
    code(k.obfuscated_value),
    code(k.id),
    when(k.created_at),
    k.revoked_at ? `Revoked ${when(k.revoked_at)}` : form(ctx, envPath(ctx, `api-keys/${encodeURIComponent(k.id)}/revoke`), button('Revoke', 'danger'), { label: `Revoke ${k.name} (${k.obfuscated_value})`, inline: true }) || 'Active',
  ]);
  const create = form(ctx, envPath(ctx, 'api-keys'), `${input({ name: 'name', label: 'Key name', placeholder: 'Backend' })}${button('Create API key')}`, { label: 'Create an API key' });
  const revoked = p.revokedId ? p.keys.find((k) => k.id === p.revokedId) : undefined;
  const scripts: Script[] = [
    { what: 'List API keys', cli: `npx wos api-keys list --environment ${env.id}` },
    p.created ? { what: `Create the API key ${p.created.name}`, cli: `npx wos api-keys create --environment ${env.id} --name ${shell(p.created.name)}` } : { what: 'Create an API key', cli: `npx wos api-keys create --environment ${env.id} --name Backend` },
    ...(revoked ? [{ what: `Revoke the API key ${revoked.name}`, cli: `npx wos api-keys revoke ${revoked.id}` }] : []),
    switchScript(p.base, env),
  ];
  return consolePage(ctx, { title: 'API keys', section: 'api-keys', flash: p.flash ? { text: p.flash } : null, body: `${created}${table('API keys', ['Name', 'Key', 'ID', 'Created', 'Status'], rows, 'No API key yet.')}${create}`, scripts });
}

/** What the configuration form just did: its kind (the `done` flash key), the value submitted and the ID made or removed. */
export interface ConfigurationDone { kind: string; value?: string; id?: string }

export function configurationPage(ctx: ConsoleContext, p: { base: string; clientIds: ClientIdView[]; redirectUris: RedirectUriView[]; corsOrigins: CorsOriginView[]; homepage: string | null; flash?: string | null; done?: ConfigurationDone | null }): string {
  const env = ctx.environment!;
  const remove = (path: string, label: string) => form(ctx, envPath(ctx, path), button('Remove', 'danger'), { label, inline: true });
  const body = [
    '<h2>Client IDs</h2>',
    table('Client IDs', ['Client ID', 'Created'], p.clientIds.map((c) => [code(c.id), when(c.created_at)])),
    form(ctx, envPath(ctx, 'configuration/client-ids'), button('Create client ID', 'secondary'), { label: 'Create a client ID' }),
    '<h2>Redirect URIs</h2>',
    table('Redirect URIs', ['URI', 'Created', ''], p.redirectUris.map((r) => [code(r.uri), when(r.created_at), remove(`configuration/redirect-uris/${encodeURIComponent(r.id)}/delete`, `Remove ${r.uri}`)])),
    form(ctx, envPath(ctx, 'configuration/redirect-uris'), `${input({ name: 'uri', label: 'Redirect URI', type: 'url', placeholder: 'https://app.example.com/callback' })}${button('Add redirect URI')}`, { label: 'Add a redirect URI' }),
    '<h2>CORS origins</h2>',
    table('CORS origins', ['Origin', 'Created', ''], p.corsOrigins.map((o) => [code(o.origin), when(o.created_at), remove(`configuration/cors-origins/${encodeURIComponent(o.id)}/delete`, `Remove ${o.origin}`)])),
    form(ctx, envPath(ctx, 'configuration/cors-origins'), `${input({ name: 'origin', label: 'Origin', type: 'url', placeholder: 'https://app.example.com' })}${button('Add CORS origin')}`, { label: 'Add a CORS origin' }),
    '<h2>App homepage URL</h2>',
    `<p>${p.homepage ? code(p.homepage) : 'Not set.'}</p>`,
    form(ctx, envPath(ctx, 'configuration/homepage'), `${input({ name: 'url', label: 'Homepage URL', type: 'url', value: p.homepage ?? '' })}${button('Save homepage', 'secondary')}`, { label: 'Set the app homepage URL' }),
  ].join('');
  const d = p.done ?? null;
  const uri = d?.value ?? 'https://app.example.com/callback';
  const origin = d?.value ?? 'https://app.example.com';
  const scripts: Script[] = [
    { what: 'List redirect URIs', cli: `npx wos redirect-uris list --environment ${env.id}`, curl: curl(p.base, 'GET', '/user_management/redirect_uris') },
    { what: 'List CORS origins', cli: `npx wos cors-origins list --environment ${env.id}`, curl: curl(p.base, 'GET', '/user_management/cors_origins') },
  ];
  if (d?.kind === 'redirect_uri_removed') {
    scripts.push({ what: `Remove the redirect URI ${uri}`, cli: `npx wos redirect-uris remove --environment ${env.id} --uri ${shell(uri)}`, curl: curl(p.base, 'DELETE', `/user_management/redirect_uris/${d.id ?? 'REDIRECT_URI_ID'}`) });
  } else if (d?.kind === 'cors_origin_removed') {
    // No public route removes a CORS origin (WorkOS has none): the CLI only.
    scripts.push({ what: `Remove the CORS origin ${origin}`, cli: `npx wos cors-origins remove --environment ${env.id} --origin ${shell(origin)}` });
  } else if (d?.kind === 'homepage') {
    // The gateway's CLI has no homepage command: curl only.
    scripts.push({ what: `Set the app homepage URL to ${d.value ?? ''}`, curl: curl(p.base, 'PUT', '/user_management/app_homepage_url', { url: d.value ?? '' }) });
  } else if (d?.kind === 'client_id') {
    // Client IDs have no public API: the CLI only.
    scripts.push({ what: `Create a client ID (made: ${d.value ?? ''})`, cli: `npx wos client-ids create --environment ${env.id}` });
  }
  if (d?.kind !== 'cors_origin') scripts.push({ what: d?.kind === 'redirect_uri' ? `Add the redirect URI ${uri}` : 'Add a redirect URI', cli: `npx wos redirect-uris add --environment ${env.id} --uri ${shell(d?.kind === 'redirect_uri' ? uri : 'https://app.example.com/callback')}`, curl: curlSettings(p.base, 'redirect_uris', { uri: d?.kind === 'redirect_uri' ? uri : 'https://app.example.com/callback' }) });
  if (d?.kind !== 'redirect_uri') scripts.push({ what: d?.kind === 'cors_origin' ? `Add the CORS origin ${origin}` : 'Add a CORS origin', cli: `npx wos cors-origins add --environment ${env.id} --origin ${shell(d?.kind === 'cors_origin' ? origin : 'https://app.example.com')}`, curl: curlSettings(p.base, 'cors_origins', { origin: d?.kind === 'cors_origin' ? origin : 'https://app.example.com' }) });
  if (d?.kind !== 'client_id') scripts.push({ what: 'Create a client ID', cli: `npx wos client-ids create --environment ${env.id}` });
  return consolePage(ctx, { title: 'Configuration', section: 'configuration', flash: p.flash ? { text: p.flash } : null, body, scripts });
}

const curlSettings = (base: string, what: string, body: Record<string, string>) =>
  `curl -X POST "${base}/user_management/${what}" \\\n  -H "Authorization: Bearer $WORKOS_API_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '${JSON.stringify(body)}'`;

/** A value quoted for a POSIX shell. */
export const shell = (s: string) => (/^[\w.:/@-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/**
 * Switching environments in a script is switching API keys: every `wos` API command and every
 * curl call works in the environment of the key it sends (the gateway's commands take --environment).
 */
export function switchScript(base: string, env: EnvironmentRef): Script {
  return {
    what: `Work in ${env.name} (${env.id}) from scripts`,
    cli: `export WOS_API_KEY=...   # an API key of ${env.id}: npx wos api-keys create --environment ${env.id} --name Scripts\nnpx wos organizations list`,
    curl: `export WORKOS_API_KEY=...   # an API key of ${env.id}\n${curl(base, 'GET', '/organizations?limit=100')}`,
  };
}
