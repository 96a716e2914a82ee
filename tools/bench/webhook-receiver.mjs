// A webhook receiver for the fan-out benchmark, in its own process so the dispatcher and the
// baseline loop POST to the same server under the same conditions. Every request is verified
// (HMAC-SHA256 of "t.body" with the path's secret, as WorkOS receivers do) and its receipt
// time recorded. GET /stats returns { received, invalid, receipts: [[path, eventId, epochMs]] }
// and DELETE /stats clears them. Usage: node webhook-receiver.mjs <port>
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const secrets = new Map(); // path -> secret, set with PUT /secrets/<path>
let receipts = [];
let invalid = 0;

function valid(path, header, body) {
  const secret = secrets.get(path);
  if (!secret) return true; // the baseline's paths sign with a secret we are told too
  const m = /^t=(\d+), v1=([0-9a-f]{64})/.exec(header ?? '');
  if (!m) return false;
  const want = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(want, Buffer.from(m[2], 'hex'));
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: receipts.length, invalid, receipts }));
      return;
    }
    if (req.method === 'DELETE' && req.url === '/stats') {
      receipts = [];
      invalid = 0;
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'PUT' && req.url.startsWith('/secrets/')) {
      secrets.set(`/${req.url.slice('/secrets/'.length)}`, body);
      res.writeHead(204).end();
      return;
    }
    if (!valid(req.url, req.headers['workos-signature'], body)) {
      invalid++;
      res.writeHead(400).end('bad signature');
      return;
    }
    const id = /"id":"(event_[0-9A-Z]{26})"/.exec(body)?.[1] ?? '';
    receipts.push([req.url, id, at]);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
