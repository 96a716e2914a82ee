import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CATALOGUE } from '../stack/catalogue';
import { backupCliModule } from './backup.command';
import type { CliModule } from './command';
import { runCli } from './runner';

/**
 * Every app's `cli` export from its build (`apps/<app>/dist/src/cli.js`), in catalogue order,
 * then the platform's own commands (backup), which span every app's database.
 */
export function loadCliModules(root: string): CliModule[] {
  const modules: CliModule[] = [];
  for (const { name } of APP_CATALOGUE) {
    const file = join(root, 'apps', name, 'dist', 'src', 'cli.js');
    if (!existsSync(file)) continue;
    const mod = require(file) as { cli?: CliModule };
    if (!mod.cli) throw new Error(`apps/${name}/src/cli.ts must export \`cli: CliModule\``);
    modules.push(mod.cli);
  }
  modules.push(backupCliModule(root));
  return modules;
}

/** The `wos` bin: runs one command and sets the exit status; Ctrl-C ends a stream cleanly. */
export async function wosMain(root: string, argv: string[] = process.argv.slice(2)): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => (stop.signal.aborted ? process.exit(130) : stop.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.exitCode = await runCli(argv, loadCliModules(root), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    signal: stop.signal,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
