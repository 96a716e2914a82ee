import { parseArgs } from 'node:util';
import { CliFailure, CliUsageError, EXIT, type CliCommand, type CliContext, type CliGroup, type CliModule, type CliOption } from './command';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const PROGRAM = 'wos';
const GLOBAL_OPTIONS: Record<string, CliOption> = {
  json: { type: 'boolean', description: 'results as JSON on stdout (streams: one JSON object per line); errors as JSON on stderr' },
  help: { type: 'boolean', description: 'this help; every command and subcommand has its own' },
};
export const EXIT_STATUS_HELP = `Exit status: ${EXIT.ok} done; ${EXIT.failure} the operation failed or was refused; ${EXIT.usage} usage error (nothing was done);
${EXIT.unavailable} the gateway, a database or another dependency could not be reached.`;

interface MergedGroup extends CliGroup {
  services: string[];
}

/** Groups of the same name from several services (dead-letters) become one group. */
function mergeGroups(modules: CliModule[]): MergedGroup[] {
  const byName = new Map<string, MergedGroup>();
  for (const m of modules) {
    for (const g of m.groups) {
      const existing = byName.get(g.name);
      if (!existing) byName.set(g.name, { ...g, commands: [...g.commands], services: [m.service] });
      else {
        for (const c of g.commands) {
          if (existing.commands.some((x) => x.name === c.name)) throw new Error(`wos: ${m.service} and ${existing.services.join(', ')} both define "${g.name} ${c.name}"`);
          existing.commands.push(c);
        }
        existing.services.push(m.service);
      }
    }
  }
  return [...byName.values()];
}

const pad = (rows: [string, string][], indent = '  ') => {
  const w = Math.max(0, ...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(w)}  ${b}`.trimEnd()).join('\n');
};
const optionRows = (options: Record<string, CliOption>): [string, string][] =>
  Object.entries(options).map(([name, o]) => [`--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}${o.multiple ? ' …' : ''}`, o.description]);

function topHelp(groups: MergedGroup[]): string {
  return [
    `Usage: ${PROGRAM} <command> [<subcommand>] [arguments] [options]`,
    '',
    'Operates a wos-platform deployment. Commands:',
    pad(groups.map((g) => [g.name, `${g.summary} (${g.services.join(', ')})`])),
    '',
    'Options everywhere:',
    pad(optionRows(GLOBAL_OPTIONS)),
    '',
    EXIT_STATUS_HELP,
  ].join('\n');
}

function groupHelp(g: MergedGroup): string {
  const single = g.commands.length === 1 && g.commands[0]!.name === '';
  if (single) return commandHelp(g, g.commands[0]!);
  return [
    `Usage: ${PROGRAM} ${g.name} <subcommand> [arguments] [options]`,
    '',
    `${g.summary}.`,
    ...(g.details ? ['', g.details] : []),
    '',
    'Subcommands:',
    pad(g.commands.map((c) => [`${c.name}${c.args ? ` ${c.args}` : ''}`, c.summary])),
    '',
    `${PROGRAM} ${g.name} <subcommand> --help shows its options. Every subcommand takes --json.`,
  ].join('\n');
}

function commandHelp(g: MergedGroup, c: CliCommand): string {
  const name = [PROGRAM, g.name, c.name].filter(Boolean).join(' ');
  return [
    `Usage: ${name}${c.args ? ` ${c.args}` : ''} [options]`,
    '',
    `${c.summary}.`,
    '',
    'Options:',
    pad(optionRows({ ...c.options, ...GLOBAL_OPTIONS })),
    ...(c.details ? ['', c.details] : []),
    '',
    EXIT_STATUS_HELP,
  ].join('\n');
}

/** Connection failures, whichever client raised them, are "unavailable" (exit 3). */
function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const codes = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'P1001', 'P1003', 'P2021', '3D000'];
  return codes.includes(e.code ?? '') || codes.includes(e.cause?.code ?? '') || (err instanceof TypeError && err.message === 'fetch failed');
}

function lastLine(err: unknown): string {
  const lines = ((err as Error)?.message ?? String(err)).split('\n').filter((l) => l.trim());
  return lines.at(-1) ?? 'unknown error';
}

/**
 * Runs `wos <argv>` over the given modules; returns the exit status. Help goes to stdout when
 * asked for (exit 0) and to stderr on a usage error (exit 2).
 */
export async function runCli(argv: string[], modules: CliModule[], io: CliIo): Promise<number> {
  const groups = mergeGroups(modules);
  const json = argv.includes('--json');
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const usage = (message: string, help: string): number => {
    io.stderr(json ? JSON.stringify({ error: { message, exit_code: EXIT.usage } }) : `error: ${message}\n\n${help}`);
    return EXIT.usage;
  };
  const groupName = argv[0] && !argv[0].startsWith('-') ? argv[0] : undefined;
  if (!groupName) {
    if (wantsHelp) return io.stdout(topHelp(groups)), EXIT.ok;
    return usage(argv.length ? 'options come after the command' : 'no command given', topHelp(groups));
  }
  const group = groups.find((g) => g.name === groupName);
  if (!group) return usage(`unknown command "${groupName}"`, topHelp(groups));
  const single = group.commands.length === 1 && group.commands[0]!.name === '' ? group.commands[0] : undefined;
  let command = single;
  let rest = argv.slice(1);
  if (!command) {
    const sub = argv[1];
    if (!sub || sub.startsWith('-')) {
      if (wantsHelp) return io.stdout(groupHelp(group)), EXIT.ok;
      return usage(`${PROGRAM} ${group.name} needs a subcommand`, groupHelp(group));
    }
    command = group.commands.find((c) => c.name === sub);
    if (!command) return usage(`unknown subcommand "${group.name} ${sub}"`, groupHelp(group));
    rest = argv.slice(2);
  }
  const help = commandHelp(group, command);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options = Object.fromEntries(
      Object.entries({ ...command.options, ...GLOBAL_OPTIONS }).map(([k, o]) => [k, { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(k === 'help' ? { short: 'h' } : {}) }]),
    );
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    if (wantsHelp) return io.stdout(help), EXIT.ok;
    return usage((err as Error).message, help);
  }
  if (parsed.values.help) return io.stdout(help), EXIT.ok;
  const ctx: CliContext = {
    positionals: parsed.positionals,
    options: parsed.values as CliContext['options'],
    json,
    env: io.env,
    result: (value, human) => void io.stdout(json ? JSON.stringify(value) : human ? human() : JSON.stringify(value, null, 2)),
    print: (line) => void io.stdout(line),
    signal: io.signal ?? new AbortController().signal,
  };
  try {
    const code = await command.run(ctx);
    return typeof code === 'number' ? code : EXIT.ok;
  } catch (err) {
    if (err instanceof CliUsageError) return usage(err.message, help);
    const code = err instanceof CliFailure ? err.exitCode : isUnavailable(err) ? EXIT.unavailable : EXIT.failure;
    const message = err instanceof CliFailure ? err.message : lastLine(err);
    io.stderr(json ? JSON.stringify({ error: { message, exit_code: code } }) : `error: ${message}`);
    return code;
  }
}
