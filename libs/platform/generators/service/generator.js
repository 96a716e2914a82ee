// @ts-check
/*
 * `npx nx g @wos/platform:service NAME`: a new app on the service kit. Plain CommonJS on Nx's
 * Tree (no build step, no @nx/devkit), so it runs offline from a fresh checkout. It writes the app
 * from ./files and registers it everywhere an app must be listed (./registrations.js). Running it
 * again for an existing app refreshes the registrations only; the app's files are left alone.
 */
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');
const { register, nextFreePort } = require('./registrations');

const FILES = join(__dirname, 'files');

/** @param {string} name @param {string | undefined} title */
function namesFor(name, title) {
  const words = name.split('-');
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return {
    name,
    snake: words.join('_'),
    SNAKE: words.join('_').toUpperCase(),
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    pascal,
    title: title ?? words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' '),
  };
}

/** @param {Date} d */
function migrationTimestamp(d) {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** @param {string} dir @returns {string[]} */
function templateFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const p = join(dir, entry);
    return statSync(p).isDirectory() ? templateFiles(p) : [p];
  });
}

/** `{{key}}` in contents, `__key__` in paths. @param {string} text @param {Record<string, string | number>} vars @param {RegExp} pattern */
function render(text, vars, pattern = /\{\{(\w+)\}\}/g) {
  return text.replace(pattern, (whole, key) => {
    if (!(key in vars)) throw new Error(`template placeholder ${whole} has no value`);
    return String(vars[key]);
  });
}

/**
 * @param {import('nx/src/devkit-exports').Tree} tree
 * @param {{ name: string, port?: number, title?: string }} options
 */
module.exports = async function serviceGenerator(tree, options) {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(options.name)) throw new Error(`"${options.name}" is not a kebab-case app name`);
  const appDir = `apps/${options.name}`;
  const exists = tree.exists(`${appDir}/src/main.ts`);
  const port = options.port ?? nextFreePort(tree, options.name);
  const vars = { ...namesFor(options.name, options.title), port, timestamp: migrationTimestamp(new Date()) };
  if (!exists) {
    for (const file of templateFiles(FILES)) {
      const target = render(relative(FILES, file), vars, /__([a-z]+)__/g).replace(/\.tmpl$/, '');
      tree.write(`${appDir}/${target}`, render(readFileSync(file, 'utf8'), vars));
    }
  }
  register(tree, vars);
  return () => {
    console.log(
      [
        '',
        `${exists ? 'Registered' : 'Created'} ${appDir} (port ${port}, topic ${options.name}.events.v1). Next:`,
        '  node tools/prisma-generate.mjs',
        `  npx nx build ${options.name}`,
        `  node tools/migrate.mjs ${options.name}`,
        `  npx nx test ${options.name}`,
        'then replace src/template-samples with the domain (docs/ARCHITECTURE.md, "How to add a service").',
      ].join('\n'),
    );
  };
};
