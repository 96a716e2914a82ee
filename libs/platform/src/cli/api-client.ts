import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliFailure, CliUsageError, requireArg, type CliCommand, type CliContext, type CliOption } from './command';

/** Options of every command that calls the gateway's HTTP API with an API key. */
export const API_OPTIONS: Record<string, CliOption> = {
  'api-url': { type: 'string', value: 'URL', description: 'the gateway (default $WOS_API_URL, else http://127.0.0.1:8080)' },
  'api-key': { type: 'string', value: 'KEY', description: "an environment's sk_test_/sk_live_ key (default $WOS_API_KEY, else .dev-credentials.json here)" },
};

export interface ApiClient {
  baseUrl: string;
  /** Sends a request; answers the parsed JSON body (undefined for an empty one). A non-2xx is a CliFailure (exit 1). */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Like call, but answers the body as text (a CSV download). */
  callText(method: string, path: string): Promise<string>;
}

/** The key from --api-key, $WOS_API_KEY, or the run command's `.dev-credentials.json` in the current directory. */
function apiKey(ctx: CliContext): string {
  const given = (ctx.options['api-key'] as string | undefined) ?? ctx.env.WOS_API_KEY;
  if (given) return given;
  const file = join(process.cwd(), '.dev-credentials.json');
  if (existsSync(file)) {
    try {
      const key = (JSON.parse(readFileSync(file, 'utf8')) as { api_key?: unknown }).api_key;
      if (typeof key === 'string') return key;
    } catch {
      // an unreadable file is the same as none
    }
  }
  throw new CliUsageError('an API key is required: --api-key, WOS_API_KEY, or .dev-credentials.json in the current directory (written by ./tools/run.sh)');
}

export function apiClient(ctx: CliContext): ApiClient {
  const baseUrl = ((ctx.options['api-url'] as string | undefined) ?? ctx.env.WOS_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = apiKey(ctx);
  const send = async (method: string, path: string, body?: unknown): Promise<string> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(60_000)]),
    });
    const text = await res.text();
    if (!res.ok) {
      // WorkOS error bodies carry `message` (and `code`); show those, else the raw text.
      let detail = text;
      try {
        const e = JSON.parse(text) as { message?: string; code?: string; errors?: unknown };
        detail = [e.code, e.message].filter(Boolean).join(': ') + (e.errors ? ` ${JSON.stringify(e.errors)}` : '') || text;
      } catch {
        // not JSON
      }
      throw new CliFailure(`${method} ${path} answered ${res.status}: ${detail}`);
    }
    return text;
  };
  return {
    baseUrl,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const text = await send(method, path, body);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    callText: (method, path) => send(method, path),
  };
}

/** A WorkOS list page's rows as a table (`columns`: field names, shown upper-case). */
export function listTable(page: { data?: Record<string, unknown>[] } | Record<string, unknown>[], columns: string[]): string {
  const rows = Array.isArray(page) ? page : (page.data ?? []);
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const header = columns.map((c) => c.toUpperCase());
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => cell(r[columns[i]!]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

/** A command that calls the gateway's HTTP API with an API key (it takes the API options). */
export function apiCommand(name: string, summary: string, run: (ctx: CliContext) => Promise<void>, options: Record<string, CliOption> = {}, args?: string): CliCommand {
  return { name, summary, args, options: { ...options, ...API_OPTIONS }, run };
}

/** `delete ID`: DELETE `<collection>/<ID>` through the gateway; prints `{ id, deleted: true }`. */
export function apiDeleteCommand(collection: string, summary: string, arg: string): CliCommand {
  return apiCommand(
    'delete',
    summary,
    async (ctx) => {
      const id = requireArg(ctx, 0, `a ${arg}`);
      await apiClient(ctx).call('DELETE', `${collection}/${encodeURIComponent(id)}`);
      ctx.result({ id, deleted: true }, () => `Deleted ${id}`);
    },
    {},
    arg,
  );
}
