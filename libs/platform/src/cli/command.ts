/**
 * The `wos` command's building blocks. Each service's `src/cli.ts` exports a `cli: CliModule`
 * naming its command groups; the root bin (tools/wos.mjs) loads every app's module from dist and
 * holds no domain code. Invariant: a module file imports only this folder at load time, and
 * loads its service code (Prisma clients, services) inside `run`, so `wos --help` stays fast.
 */

/** Exit statuses of every `wos` command (README "One CLI"). */
export const EXIT = {
  ok: 0,
  /** The operation was refused or failed (an API error, a missing record, a failed replay). */
  failure: 1,
  /** Bad usage: unknown command or option, missing argument. Nothing was done. */
  usage: 2,
  /** The gateway, a database or another dependency could not be reached. */
  unavailable: 3,
} as const;

export type CliOptionValue = string | boolean | string[] | undefined;

export interface CliOption {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** Shown in help: `--name NAME`. */
  value?: string;
  description: string;
}

export interface CliContext {
  positionals: string[];
  options: Record<string, CliOptionValue>;
  /** `--json`: results as JSON on stdout (one object per line for streams). */
  json: boolean;
  env: NodeJS.ProcessEnv;
  /** Prints a result: JSON with --json, else `human(value)` (pretty JSON without one). */
  result(value: unknown, human?: () => string): void;
  /** Prints one line to stdout as is. */
  print(line: string): void;
  /** Aborted on SIGINT/SIGTERM: long-running commands (events tail) end cleanly. */
  signal: AbortSignal;
}

export interface CliCommand {
  /** `''`: the group itself is the command (`wos dev-credentials --file F`). */
  name: string;
  summary: string;
  /** Positional arguments as shown in help, e.g. `DIRECTORY_ID`. */
  args?: string;
  options?: Record<string, CliOption>;
  /** More help text, printed under the options. */
  details?: string;
  /** Returns the exit status (default 0). */
  run(ctx: CliContext): Promise<number | void>;
}

export interface CliGroup {
  name: string;
  summary: string;
  commands: CliCommand[];
  /** More help text for `wos <group> --help`. */
  details?: string;
}

export interface CliModule {
  /** The service that owns these commands (shown in help). */
  service: string;
  groups: CliGroup[];
}

/** Bad usage (exit 2); the runner prints the command's help after the message. */
export class CliUsageError extends Error {}

/** The operation failed (exit 1 unless another status is given). */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

export function requireOption(ctx: CliContext, name: string): string {
  const v = ctx.options[name];
  if (typeof v !== 'string' || v === '') throw new CliUsageError(`--${name} is required`);
  return v;
}

export function requireArg(ctx: CliContext, index: number, what: string): string {
  const v = ctx.positionals[index];
  if (!v) throw new CliUsageError(`${what} is required`);
  return v;
}

/** A fixed-width text table: the first row is the header. */
export function table(rows: string[][]): string {
  if (!rows.length) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
