import { BadRequestError } from '@wos/platform';

const MAX_LENGTH = 2048;

/**
 * A CORS origin as browsers serialise it in the Origin header (`https://app.example.com`,
 * `http://localhost:3000`): scheme, host and a non-default port, nothing else. A trailing `/` is
 * accepted and dropped, and the host is lower-cased, so the stored string can be compared
 * exactly with the header.
 */
export function normaliseCorsOrigin(input: string): string {
  if (!input || input.length > MAX_LENGTH || /\s/.test(input)) throw invalid('must be an origin of at most 2048 characters without whitespace');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalid('must be an absolute origin such as https://app.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must use https (or http)');
  if (url.username || url.password || url.search || url.hash || input.includes('#') || url.pathname !== '/' || /^[a-z]+:\/\/[^/]+\/./i.test(input)) {
    throw invalid('must be only a scheme, host and port, without a path, query or credentials');
  }
  return url.origin;
}

/** An app homepage: an absolute http(s) URL without credentials. */
export function checkHomepageUrl(input: string): void {
  if (!input || input.length > MAX_LENGTH || /\s/.test(input)) throw new BadRequestError('invalid_url', 'The homepage URL must be a URL of at most 2048 characters without whitespace.');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new BadRequestError('invalid_url', 'The homepage URL must be an absolute URL.');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new BadRequestError('invalid_url', 'The homepage URL must use https (or http) and carry no credentials.');
  }
}

const invalid = (why: string) => new BadRequestError('invalid_cors_origin', `The CORS origin ${why}.`);
