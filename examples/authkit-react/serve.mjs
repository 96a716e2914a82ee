// Serves the built example (dist/app.js) and index.html with the AuthKit configuration in it.
// `node serve.mjs` reads WORKOS_CLIENT_ID, WORKOS_API_HOSTNAME, WORKOS_API_PORT, WORKOS_API_HTTPS
// (default true), optional WORKOS_DEV_MODE, and PORT (default 3000); tests import startServer.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

/** Starts the server on 127.0.0.1:`port` (0: any free port); resolves with its port and a close(). */
export async function startServer({ port = 0, config }) {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const html = (await readFile(here('./index.html'), 'utf8')).replace('<!--AUTHKIT_CONFIG-->', `<script type="application/json" id="authkit-config">${json}</script>`);
  const app = await readFile(here('./dist/app.js'));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/app.js') return res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(app);
    if (path === '/favicon.ico') return res.writeHead(204).end();
    // Every other path is the page (the redirect back from AuthKit lands on `/?code=…`).
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = process.env;
  if (!env.WORKOS_CLIENT_ID) throw new Error('Set WORKOS_CLIENT_ID (and WORKOS_API_HOSTNAME, WORKOS_API_PORT, WORKOS_API_HTTPS=false for a local gateway).');
  const config = {
    clientId: env.WORKOS_CLIENT_ID,
    apiHostname: env.WORKOS_API_HOSTNAME ?? 'api.workos.com',
    ...(env.WORKOS_API_PORT ? { port: Number(env.WORKOS_API_PORT) } : {}),
    https: env.WORKOS_API_HTTPS !== 'false',
    ...(env.WORKOS_DEV_MODE ? { devMode: env.WORKOS_DEV_MODE === 'true' } : {}),
  };
  // No top-level await: tests load this module with require().
  void startServer({ port: Number(env.PORT ?? 3000), config }).then(({ port }) => console.log(`AuthKit React example on http://127.0.0.1:${port}`));
}
