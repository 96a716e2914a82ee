import { readFileSync } from 'node:fs';
import { apiCommand, apiDeleteCommand, CliUsageError, apiClient, deadLettersGroup, listTable, secretsGroup, requireArg, type CliCommand, type CliContext, type CliModule, type CliOption } from '@wos/platform/cli';

/* SSO's `wos` commands: connections through the gateway's HTTP API (our management extension). */

const connectionId = (ctx: CliContext) => encodeURIComponent(requireArg(ctx, 0, 'a CONNECTION_ID'));
const str = (ctx: CliContext, name: string) => (typeof ctx.options[name] === 'string' ? (ctx.options[name] as string) : undefined);

const createSaml = apiCommand(
  'create-saml',
  'creates a SAML connection from IdP metadata (URL or file) or entity ID + SSO URL + certificate',
  async (ctx) => {
    const saml: Record<string, unknown> = { sign_requests: !!ctx.options['sign-requests'], encrypt_assertions: !!ctx.options['encrypt-assertions'] };
    if (str(ctx, 'metadata-url')) saml.idp_metadata_url = str(ctx, 'metadata-url');
    else if (str(ctx, 'metadata-file')) saml.idp_metadata_xml = readFileSync(str(ctx, 'metadata-file')!, 'utf8');
    else if (str(ctx, 'entity-id') && str(ctx, 'sso-url') && str(ctx, 'cert-file')) {
      Object.assign(saml, { idp_entity_id: str(ctx, 'entity-id'), idp_sso_url: str(ctx, 'sso-url'), idp_certificate: readFileSync(str(ctx, 'cert-file')!, 'utf8') });
    } else throw new CliUsageError('give --metadata-url, --metadata-file, or --entity-id with --sso-url and --cert-file');
    const body = {
      name: str(ctx, 'name') ?? 'SAML connection',
      connection_type: str(ctx, 'type') ?? 'GenericSAML',
      ...(str(ctx, 'org') ? { organization_id: str(ctx, 'org') } : {}),
      domains: (ctx.options.domain as string[] | undefined) ?? [],
      saml,
      activate: !!ctx.options.activate,
    };
    ctx.result(await apiClient(ctx).call('POST', '/connections', body));
  },
  {
    name: { type: 'string', value: 'NAME', description: 'default "SAML connection"' },
    type: { type: 'string', value: 'TYPE', description: 'OktaSAML, AzureSAML, GenericSAML, … (default GenericSAML)' },
    org: { type: 'string', value: 'ORG_ID', description: 'its organization' },
    domain: { type: 'string', multiple: true, value: 'DOMAIN', description: 'a domain (repeatable)' },
    'metadata-url': { type: 'string', value: 'URL', description: "the IdP's metadata URL" },
    'metadata-file': { type: 'string', value: 'FILE', description: "the IdP's metadata XML" },
    'entity-id': { type: 'string', value: 'ID', description: "the IdP's entity ID (with --sso-url, --cert-file)" },
    'sso-url': { type: 'string', value: 'URL', description: "the IdP's SSO URL" },
    'cert-file': { type: 'string', value: 'FILE', description: "the IdP's signing certificate (PEM)" },
    'sign-requests': { type: 'boolean', description: 'give the connection its own key and sign AuthnRequests' },
    'encrypt-assertions': { type: 'boolean', description: 'give the connection its own key; the IdP encrypts assertions to it' },
    activate: { type: 'boolean', description: 'activate it at once' },
  },
);

export const cli: CliModule = {
  service: 'sso',
  groups: [
    {
      name: 'connections',
      summary: 'SSO connections (SAML, OIDC, OAuth providers)',
      commands: [
        apiCommand('list', 'lists connections (first 100)', async (ctx) => {
          const page = await apiClient(ctx).call<{ data: Record<string, unknown>[] }>('GET', '/connections?limit=100');
          ctx.result(page, () => listTable(page, ['id', 'name', 'connection_type', 'state', 'organization_id']));
        }),
        apiCommand('get', 'one connection', async (ctx) => ctx.result(await apiClient(ctx).call('GET', `/connections/${connectionId(ctx)}`)), {}, 'CONNECTION_ID'),
        apiCommand(
          'create',
          'creates a connection from a JSON body (POST /connections), read from a file or stdin',
          async (ctx) => {
            const file = str(ctx, 'file');
            if (!file) throw new CliUsageError('--file is required (- reads stdin)');
            ctx.result(await apiClient(ctx).call('POST', '/connections', JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'))));
          },
          { file: { type: 'string', value: 'FILE', description: 'the JSON body, or - for stdin; required' } },
        ),
        createSaml,
        apiCommand('activate', 'activates a connection', async (ctx) => ctx.result(await apiClient(ctx).call('POST', `/connections/${connectionId(ctx)}/activate`)), {}, 'CONNECTION_ID'),
        apiCommand('deactivate', 'deactivates a connection', async (ctx) => ctx.result(await apiClient(ctx).call('POST', `/connections/${connectionId(ctx)}/deactivate`)), {}, 'CONNECTION_ID'),
        apiDeleteCommand('/connections', 'deletes a connection', 'CONNECTION_ID'),
        apiCommand(
          'sp-metadata',
          "the service provider's entity ID, ACS URL, signing certificate and metadata XML",
          async (ctx) => {
            const meta = await apiClient(ctx).call<{ metadata_xml: string }>('GET', `/connections/${connectionId(ctx)}/sp_metadata`);
            ctx.result(meta, ctx.options.xml ? () => meta.metadata_xml : undefined);
          },
          { xml: { type: 'boolean', description: 'print only the metadata XML (without --json)' } },
          'CONNECTION_ID',
        ),
      ],
    },
    deadLettersGroup('sso'),
    secretsGroup('sso', () => (require('./infra/sealed-columns') as typeof import('./infra/sealed-columns')).SEALED_COLUMNS),
  ],
};
