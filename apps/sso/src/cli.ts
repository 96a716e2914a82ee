#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/*
 * A small client of the gateway's HTTP API for SSO connections (our management extension):
 *   WOS_API_KEY=sk_test_… node apps/sso/dist/src/cli.js <command> [options]
 * Commands: list, get <id>, create --json <file|->, create-saml --name … (--metadata-url | --metadata-file
 * | --entity-id --sso-url --cert-file) [--org] [--domain …] [--sign-requests] [--activate],
 * activate <id>, deactivate <id>, delete <id>, sp-metadata <id> [--xml].
 */
const USAGE = `usage: sso-cli <list|get|create|create-saml|activate|deactivate|delete|sp-metadata> [id] [options]
  --base-url URL   gateway URL (default $WOS_BASE_URL or http://127.0.0.1:8080)
  --api-key KEY    API key (default $WOS_API_KEY)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      json: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string' },
      org: { type: 'string' },
      domain: { type: 'string', multiple: true },
      'metadata-url': { type: 'string' },
      'metadata-file': { type: 'string' },
      'entity-id': { type: 'string' },
      'sso-url': { type: 'string' },
      'cert-file': { type: 'string' },
      'sign-requests': { type: 'boolean' },
      activate: { type: 'boolean' },
      xml: { type: 'boolean' },
    },
  });
  const [command, id] = positionals;
  const base = (values['base-url'] ?? process.env.WOS_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = values['api-key'] ?? process.env.WOS_API_KEY;
  if (!command || !key) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const needId = () => {
    if (!id) throw new Error(`${command} needs a connection ID`);
    return encodeURIComponent(id);
  };
  let out: unknown;
  switch (command) {
    case 'list':
      out = await call('GET', '/connections?limit=100');
      break;
    case 'get':
      out = await call('GET', `/connections/${needId()}`);
      break;
    case 'create':
      out = await call('POST', '/connections', JSON.parse(readFileSync(values.json === '-' || !values.json ? 0 : values.json, 'utf8')));
      break;
    case 'create-saml': {
      const saml: Record<string, unknown> = { sign_requests: !!values['sign-requests'] };
      if (values['metadata-url']) saml.idp_metadata_url = values['metadata-url'];
      else if (values['metadata-file']) saml.idp_metadata_xml = readFileSync(values['metadata-file'], 'utf8');
      else Object.assign(saml, { idp_entity_id: values['entity-id'], idp_sso_url: values['sso-url'], idp_certificate: values['cert-file'] && readFileSync(values['cert-file'], 'utf8') });
      out = await call('POST', '/connections', {
        name: values.name ?? 'SAML connection',
        connection_type: values.type ?? 'GenericSAML',
        ...(values.org ? { organization_id: values.org } : {}),
        domains: values.domain ?? [],
        saml,
        activate: !!values.activate,
      });
      break;
    }
    case 'activate':
    case 'deactivate':
      out = await call('POST', `/connections/${needId()}/${command}`);
      break;
    case 'delete':
      await call('DELETE', `/connections/${needId()}`);
      out = { deleted: id };
      break;
    case 'sp-metadata': {
      const meta = await call('GET', `/connections/${needId()}/sp_metadata`);
      if (values.xml) {
        process.stdout.write(`${meta.metadata_xml}\n`);
        return 0;
      }
      out = meta;
      break;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
