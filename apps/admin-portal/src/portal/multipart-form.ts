import type { FastifyInstance } from 'fastify';
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
    const fields = parseMultipart(String(req.headers['content-type'] ?? ''), body as Buffer);
    if (fields instanceof Error) return done(fields, undefined);
    done(null, fields);
  });
}

/** The fields of a multipart/form-data body (RFC 7578), or the 400 that refuses it. */
export function parseMultipart(contentType: string, body: Buffer): Record<string, string> | BadRequestError {
  const bad = (why: string) => new BadRequestError('invalid_multipart_body', `The form body could not be read: ${why}.`);
  const boundary = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  if (!boundary) return bad('no boundary');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  let at = body.indexOf(delimiter);
  if (at < 0) return bad('no part');
  for (let parts = 0; ; parts++) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') break;
    if (parts >= MAX_PARTS) return bad('too many parts');
    const headersEnd = body.indexOf('\r\n\r\n', at);
    const next = body.indexOf(delimiter, at);
    if (headersEnd < 0 || next < 0 || headersEnd > next) return bad('a part is cut short');
    const headers = body.subarray(at, headersEnd).toString('utf8');
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) return bad('a part has no name');
    // The part's content ends before the CRLF that precedes the next delimiter.
    const content = body.subarray(headersEnd + 4, next - 2).toString('utf8');
    if (name in fields) return bad(`the field ${name} is given more than once`);
    fields[name] = content;
    at = next;
  }
  return { ...fields };
}
