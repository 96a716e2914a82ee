import { parseArgs } from 'node:util';
import { DEAD_LETTER_USAGE, DeadLetterUsageError, deadLetterDatabaseUrl, runDeadLetterCommand } from '@wos/platform/dead-letters';

const USAGE = `Usage: node apps/directory-sync/dist/src/cli.js <command> [options]

  directories create --organization ORG_ID --name NAME --type TYPE [--domain DOMAIN]
        Creates a SCIM directory; prints its SCIM base URL and bearer token (shown only once).
        TYPE: "okta scim v2.0", "azure scim v2.0", "generic scim v2.0", "onelogin scim v2.0", ...
  directories list [--organization ORG_ID] [--search TEXT]
  directories get DIRECTORY_ID
  directories rotate-token DIRECTORY_ID
        Issues a new bearer token; the old one stops working at once.
  directories delete DIRECTORY_ID

${DEAD_LETTER_USAGE}

The directories commands call the gateway's HTTP API: --api-url (default $WOS_API_URL or http://127.0.0.1:8080) with
--api-key (default $WOS_API_KEY), an environment's sk_test_/sk_live_ key.
Prints JSON. Exit status: 0 on success, 2 on any error.`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'dead-letters') return runDeadLetterCommand(argv.slice(1), deadLetterDatabaseUrl());
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      organization: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string' },
      domain: { type: 'string' },
      search: { type: 'string' },
      'api-url': { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length < 2) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const apiUrl = (values['api-url'] ?? process.env.WOS_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const apiKey = values['api-key'] ?? process.env.WOS_API_KEY;
  if (!apiKey) throw new UsageError('an API key is required (--api-key or WOS_API_KEY)');

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : { deleted: true };
  };
  const id = () => {
    const v = positionals[2];
    if (!v) throw new UsageError('a DIRECTORY_ID is required');
    return encodeURIComponent(v);
  };

  const [resource, command] = positionals;
  if (resource !== 'directories') throw new UsageError(`unknown resource ${resource}`);
  let out: unknown;
  switch (command) {
    case 'create':
      if (!values.organization || !values.name || !values.type) throw new UsageError('--organization, --name and --type are required');
      out = await call('POST', '/directories', { organization_id: values.organization, name: values.name, type: values.type, ...(values.domain ? { domain: values.domain } : {}) });
      break;
    case 'list': {
      const q = new URLSearchParams({ limit: '100' });
      if (values.organization) q.set('organization_id', values.organization);
      if (values.search) q.set('search', values.search);
      out = await call('GET', `/directories?${q}`);
      break;
    }
    case 'get':
      out = await call('GET', `/directories/${id()}`);
      break;
    case 'rotate-token':
      out = await call('POST', `/directories/${id()}/token`);
      break;
    case 'delete':
      out = await call('DELETE', `/directories/${id()}`);
      break;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
  console.log(JSON.stringify(out, null, 2));
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof UsageError || err instanceof DeadLetterUsageError ? `${err.message}\n\n${USAGE}` : err.message);
    process.exit(2);
  },
);
