// The two-hop baseline's proxy: the least a gateway can do. A bare node:http server that sends
// each request on to one upstream through an undici Pool (keep-alive, the gateway's connection
// count) and writes the buffered answer back: no routing table, no credentials, no signing, no
// limits, no metrics, no logging. With baseline-server.mjs behind it, it measures what one extra
// loopback hop costs on this machine, so the gateway's path can be set against the physical
// limit of a two-hop design rather than only against a one-hop server.
// Env: UPSTREAM (origin, e.g. http://127.0.0.1:8090), CONNECTIONS, PORT.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM, { connections: Number(process.env.CONNECTIONS ?? 128) });
// Hop-by-hop headers stay on their own hop (RFC 9110 §7.6.1).
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

const server = createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
    const r = await upstream.request({ method: req.method, path: req.url, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    const body = Buffer.from(await r.body.arrayBuffer());
    const out = { 'content-length': String(body.length) };
    for (const [k, v] of Object.entries(r.headers)) if (!HOP.has(k)) out[k] = v;
    res.writeHead(r.statusCode, out).end(body);
  } catch {
    res.writeHead(502).end();
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
const stop = () => server.close(() => upstream.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
