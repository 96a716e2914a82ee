import type { FastifyInstance } from 'fastify';
import { BadRequestError, DomainError } from '../errors/errors';

/**
 * Accepts `application/x-www-form-urlencoded` bodies on the given path prefixes only (SAML POST
 * binding, OAuth token endpoints, hosted forms); elsewhere such a body is a 415 as before. The
 * body becomes a plain object of strings; a field sent twice is a 400, never silently an array.
 */
export function acceptFormBodies(fastify: FastifyInstance, pathPrefixes: readonly string[], bodyLimit = 1024 * 1024): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (req, body, done) => {
    const path = req.url.split('?')[0] ?? '';
    if (!pathPrefixes.some((p) => path === p || path.startsWith(`${p}/`))) {
      return done(new DomainError(415, 'unsupported_media_type', 'This endpoint accepts JSON bodies only.'), undefined);
    }
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of new URLSearchParams(body as string)) {
      if (k in fields) return done(new BadRequestError('duplicate_parameter', `The form field ${k} is given more than once.`), undefined);
      fields[k] = v;
    }
    done(null, { ...fields });
  });
}
