import type { FastifyInstance } from 'fastify';
import busboy from 'busboy';
import { BadRequestError, DomainError } from '@wos/platform';

/* A form of the portal has a handful of fields; more parts than this is not one of its forms. */
const MAX_PARTS = 32;

/**
 * Accepts `multipart/form-data` bodies (a form with a file input, e.g. IdP metadata uploaded as
 * a file) on the given path prefixes only, at most `bodyLimit` bytes in all; elsewhere such a
 * body is a 415. Invariants, as for the URL-encoded forms: the body becomes a plain object of
 * strings (a file's content is read as UTF-8 text under its field name; an empty file input is
 * an empty string), and a field sent twice is a 400, never silently an array.
 */
export function acceptMultipartForms(fastify: FastifyInstance, pathPrefixes: readonly string[], bodyLimit: number): void {
  fastify.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    const path = req.url.split('?')[0] ?? '';
    if (!pathPrefixes.some((p) => path === p || path.startsWith(`${p}/`))) {
      return done(new DomainError(415, 'unsupported_media_type', 'This endpoint accepts JSON bodies only.'), undefined);
    }
    parseMultipart(String(req.headers['content-type'] ?? ''), body as Buffer).then(
      (fields) => done(null, fields),
      (err: Error) => done(err, undefined),
    );
  });
}

/**
 * The fields of a multipart/form-data body (RFC 7578), parsed by busboy from the body the size
 * limit already bounded; rejects with the 400 that refuses it.
 */
export function parseMultipart(contentType: string, body: Buffer): Promise<Record<string, string>> {
  const bad = (why: string) => new BadRequestError('invalid_multipart_body', `The form body could not be read: ${why}.`);
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { parts: MAX_PARTS, fieldSize: body.length, fileSize: body.length }, defParamCharset: 'utf8' });
    } catch {
      return reject(bad('no boundary'));
    }
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    let refusal: BadRequestError | undefined;
    const set = (name: string | undefined, value: string) => {
      if (!name) refusal ??= bad('a part has no name');
      else if (name in fields) refusal ??= bad(`the field ${name} is given more than once`);
      else fields[name] = value;
    };
    parser.on('field', (name, value) => set(name, value));
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => set(name, Buffer.concat(chunks).toString('utf8')));
    });
    parser.on('partsLimit', () => (refusal ??= bad('too many parts')));
    parser.on('error', () => reject(bad('a part is cut short')));
    parser.on('close', () => (refusal ? reject(refusal) : resolve({ ...fields })));
    parser.end(body);
  });
}
