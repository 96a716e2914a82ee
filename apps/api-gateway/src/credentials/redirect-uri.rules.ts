import { BadRequestError } from '@wos/platform';

const MAX_LENGTH = 2048;

/**
 * What an environment may register as a redirect URI: an absolute http(s) URL without a fragment
 * (OAuth 2.0 §3.1.2) or credentials. Requests are later compared byte for byte with the stored
 * string, so nothing is normalised here either.
 */
export function checkRedirectUri(uri: string): void {
  if (!uri || uri.length > MAX_LENGTH || /\s/.test(uri)) throw invalid('must be a URL of at most 2048 characters without whitespace');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must use https (or http)');
  if (uri.includes('#')) throw invalid('must not contain a fragment');
  if (url.username || url.password) throw invalid('must not contain credentials');
}

const invalid = (why: string) => new BadRequestError('invalid_redirect_uri', `The redirect URI ${why}.`);
