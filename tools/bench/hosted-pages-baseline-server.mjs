// Baseline for the hosted-pages benchmark: a bare node:http server answering every GET with a
// fixed HTML document (the real sign-in page's bytes, passed in a file), no framework, no
// gateway, no Redis. What is left is the HTTP floor the load generator and the machine impose.
// Env: PORT, PAGE_FILE.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const body = readFileSync(process.env.PAGE_FILE);
createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
