import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };

/* jose 6 is ESM-only: loaded once with a dynamic import, which Node 24 resolves from CommonJS. */
type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' } });
let josePromise: Promise<Jose> | undefined;
const loadJose = (): Promise<Jose> => (josePromise ??= import('jose'));

export class OidcRejection extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const jwksCache = new Map<string, ReturnType<Jose['createRemoteJWKSet']>>();

function jwksFor(jose: Jose, uri: string) {
  let set = jwksCache.get(uri);
  if (!set) {
    if (jwksCache.size > 1000) jwksCache.clear();
    jwksCache.set(uri, (set = jose.createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 30_000 })));
  }
  return set;
}

export interface IdTokenExpectations {
  jwksUri: string;
  issuer: string;
  audience: string;
  algorithms: string[];
  nonce: string;
  skewSeconds: number;
}

/**
 * Verifies an ID token: signature against the IdP's JWKS with an allowed asymmetric algorithm,
 * `iss`, `aud` (and `azp` when there are several audiences), `exp`/`iat`, and our `nonce`.
 */
export async function verifyIdToken(token: string, x: IdTokenExpectations): Promise<JWTPayload> {
  const jose = await loadJose();
  let payload: JWTPayload;
  try {
    ({ payload } = await jose.jwtVerify(token, jwksFor(jose, x.jwksUri), { issuer: x.issuer, audience: x.audience, algorithms: x.algorithms, clockTolerance: x.skewSeconds, requiredClaims: ['sub', 'exp', 'iat'] }));
  } catch (err) {
    throw classify(jose, err);
  }
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== x.audience) {
    throw new OidcRejection('audience_mismatch', 'The ID token has several audiences and its azp is not our client.');
  }
  if (payload.nonce !== x.nonce) throw new OidcRejection('nonce_mismatch', 'The ID token nonce does not match the sign-in request.');
  return payload;
}

function classify({ errors }: Jose, err: unknown): OidcRejection {
  if (err instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, string> = { iss: 'issuer_mismatch', aud: 'audience_mismatch', exp: 'token_expired', nbf: 'token_not_yet_valid', iat: 'token_not_yet_valid' };
    return new OidcRejection(byClaim[err.claim] ?? 'invalid_id_token', `The ID token was refused: ${err.message} (${err.claim}).`);
  }
  if (err instanceof errors.JWTExpired) return new OidcRejection('token_expired', 'The ID token has expired.');
  if (err instanceof errors.JOSEAlgNotAllowed) return new OidcRejection('algorithm_not_allowed', `The ID token was refused: ${err.message}.`);
  if (err instanceof errors.JWSSignatureVerificationFailed) return new OidcRejection('invalid_signature', 'The ID token signature does not verify.');
  if (err instanceof errors.JWKSNoMatchingKey) return new OidcRejection('invalid_signature', 'No key in the IdP JWKS matches the ID token.');
  const message = err instanceof Error ? err.message : String(err);
  return new OidcRejection('invalid_id_token', `The ID token was refused: ${message}.`);
}
