#!/usr/bin/env node
// The `wos` command (the root package's bin: `npx wos …` in a checkout and in the Docker image).
// Its subcommands come from each service's CLI module (apps/<app>/dist/src/cli.js); this file
// holds no domain code. `npx wos --help` lists them; README "One CLI" documents the exit codes.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { wosMain } = createRequire(import.meta.url)(join(root, 'libs', 'platform', 'dist', 'cli', 'index.js'));
await wosMain(root);
