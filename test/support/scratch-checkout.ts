import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchCheckout {
  /** The copy's root: run commands there as in a checkout. */
  root: string;
  /** Runs `node <script> ...args` in the copy; throws with its output when it fails. */
  node(script: string, args: string[], env?: Record<string, string>): string;
  remove(): void;
}

/**
 * A throw-away copy of this checkout's tracked files (as they are in the work tree, mtimes kept),
 * for a test that changes the repository itself (the service generator). Nothing is installed
 * or built from nothing:
 * - node_modules is this checkout's, entry by entry, except the workspace links (@wos/*), which
 *   point into the copy so that its apps load its own libs;
 * - `built` packages (apps/<x>, libs/<x>) get this checkout's dist, and apps their generated
 *   Prisma client, timestamps kept, so `tsc -b` in the copy rebuilds only what changed there.
 * This checkout must have been set up (tools/setup.sh): its node_modules, clients and dist.
 */
export function scratchCheckout(from: string, built: readonly string[]): ScratchCheckout {
  const root = mkdtempSync(join(tmpdir(), 'wos-scratch-'));
  try {
    // Tracked files only: dist, generated clients, logs and .env stay out. A tracked file deleted
    // in the work tree is skipped (--ignore-failed-read).
    execFileSync('bash', ['-c', 'git -C "$1" ls-files -z | tar -C "$1" --null --ignore-failed-read -T - -cf - | tar -C "$2" -xf -', '_', from, root], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const modules = join(from, 'node_modules');
    mkdirSync(join(root, 'node_modules'));
    for (const entry of readdirSync(modules)) {
      // Tool caches (Nx's among them) stay the copy's own.
      if (entry === '@wos' || entry === '.cache') continue;
      symlinkSync(join(modules, entry), join(root, 'node_modules', entry));
    }
    mkdirSync(join(root, 'node_modules', '@wos'));
    for (const pkg of readdirSync(join(modules, '@wos'))) {
      symlinkSync(readlinkSync(join(modules, '@wos', pkg)), join(root, 'node_modules', '@wos', pkg));
    }
    for (const pkg of built) {
      const dist = join(from, pkg, 'dist');
      if (!existsSync(dist)) throw new Error(`${pkg} is not built in ${from}; run tools/setup.sh first`);
      cpSync(dist, join(root, pkg, 'dist'), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      const client = join(from, pkg, 'src', 'generated');
      if (existsSync(client)) cpSync(client, join(root, pkg, 'src', 'generated'), { recursive: true, preserveTimestamps: true });
    }
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  return {
    root,
    node: (script, args, env = {}) => {
      // A run of its own: a nested `node --test` must not report through this test runner's protocol.
      const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
      try {
        return execFileSync(process.execPath, [script, ...args], { cwd: root, env: { ...inherited, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; message: string };
        throw new Error(`node ${script} ${args.join(' ')} failed in ${root}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
      }
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
