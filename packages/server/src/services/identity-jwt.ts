import type { LookupAddress } from 'node:dns';
import dns from 'node:dns/promises';
import { ERROR_CODES } from '@confab/contracts';
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { AppError } from '../errors.js';
import { loadUndici } from '../lazy-modules.js';
import { isInternalHost } from '../notify/endpoints.js';
import { lazyGuardedAgent } from '../notify/guarded-agent.js';

/** How Confab checks JWTs an app signs for its users (see docs/security.md). */
export interface JwtConfig {
  /** HS256 shared secret (at least 32 bytes). Either this or `jwksUrl`. */
  secret?: string | undefined;
  /** An https URL of the app's JWKS document (RS256, ES256, EdDSA...). */
  jwksUrl?: string | undefined;
  /** The `aud` every token must carry: tokens the app signs for other services are refused. */
  audience: string;
  /** The `iss` every token must carry, when set. */
  issuer?: string | undefined;
  /** Clock skew tolerated on `exp`/`nbf`. @default 5 */
  clockToleranceSeconds?: number;
  /**
   * Let the JWKS URL be http or name a loopback/private address (tests). @default false: https
   * only, and names resolving to reserved addresses are refused after DNS, as for webhooks.
   */
  allowPrivateAddresses?: boolean;
  /** @default dns.lookup with all addresses */
  lookup?: (hostname: string) => Promise<LookupAddress[]>;
}

/** The claims Confab uses from a verified JWT. */
export interface VerifiedJwt {
  /** The app's id for the user (`sub`). */
  sub: string;
  /** Expiry, epoch ms (`exp` is required). */
  expiresAt: number;
  /** The `name` claim, when a string. */
  name: string | undefined;
}

/** The JWKS document gets this long to arrive, from the name lookup on. */
const JWKS_TIMEOUT_MS = 5_000;

/** Compact JWS: three base64url parts. Opaque session tokens have no dots. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

function remoteKeys(config: JwtConfig & { jwksUrl: string }): JWTVerifyGetKey {
  const url = new URL(config.jwksUrl);
  const allowPrivate = config.allowPrivateAddresses ?? false;
  if (!allowPrivate && url.protocol !== 'https:') throw new Error('JWT_JWKS_URL must be https');
  // IP literals never reach the guarded lookup: refuse internal ones here (see endpoints.ts).
  if (!allowPrivate && isInternalHost(url.hostname))
    throw new Error('JWT_JWKS_URL names an internal address');
  const dispatcher = lazyGuardedAgent({
    lookup: config.lookup ?? ((hostname) => dns.lookup(hostname, { all: true })),
    allowPrivateAddresses: allowPrivate,
  });
  return createRemoteJWKSet(url, {
    timeoutDuration: JWKS_TIMEOUT_MS,
    // jose's fetch through the guarded agent (Node's global fetch ignores an undici Agent);
    // redirects are refused, as for webhooks: one could point anywhere.
    [customFetch]: async (input, init) => {
      const [{ fetch }, agent] = await Promise.all([loadUndici(), dispatcher.agent()]);
      const answer = await fetch(input, {
        method: 'GET',
        headers: Object.fromEntries(new Headers(init.headers).entries()),
        redirect: 'error',
        signal: init.signal,
        dispatcher: agent,
      });
      return new Response(await answer.arrayBuffer(), {
        status: answer.status,
        headers: { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' },
      });
    },
  });
}

const invalid = (message: string) => new AppError(ERROR_CODES.TOKEN_INVALID, message);

/**
 * A JWT verifier (jose): the signature against the secret or the app's JWKS, then `aud`, `iss`,
 * `exp` (required), `nbf` and `sub` (required). Refusals are typed: an expired token is
 * SESSION_EXPIRED (the SDK's token provider gets a new one); anything else TOKEN_INVALID.
 */
export function createJwtVerifier(config: JwtConfig) {
  const { jwksUrl, secret } = config;
  if (!secret && !jwksUrl) throw new Error('JWT verification needs a secret or a JWKS URL');
  if (secret && Buffer.byteLength(secret) < 32)
    throw new Error('JWT_SECRET must be at least 32 bytes');
  const key = jwksUrl ? remoteKeys({ ...config, jwksUrl }) : new TextEncoder().encode(secret ?? '');
  const algorithms = jwksUrl ? ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA', 'Ed25519'] : ['HS256'];

  return async (token: string): Promise<VerifiedJwt> => {
    let payload: JWTPayload;
    try {
      const options = {
        algorithms,
        audience: config.audience,
        ...(config.issuer ? { issuer: config.issuer } : {}),
        clockTolerance: config.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'exp'],
      };
      payload =
        typeof key === 'function'
          ? (await jwtVerify(token, key, options)).payload
          : (await jwtVerify(token, key, options)).payload;
    } catch (error) {
      throw refusalOf(error);
    }
    const { sub, exp, name } = payload;
    if (!sub) throw invalid('JWT has no sub');
    return {
      sub,
      expiresAt: (exp ?? 0) * 1000,
      name: typeof name === 'string' ? name : undefined,
    };
  };
}
export type JwtVerifier = ReturnType<typeof createJwtVerifier>;

function refusalOf(error: unknown): Error {
  if (error instanceof errors.JWTExpired)
    return new AppError(ERROR_CODES.SESSION_EXPIRED, 'JWT expired; get a new one');
  if (error instanceof errors.JWTClaimValidationFailed)
    return invalid(`JWT claim ${error.claim} refused: ${error.message}`);
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return invalid('JWT signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return invalid('No JWKS key matches the JWT');
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('JWT algorithm not accepted');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return invalid('Malformed JWT');
  // The JWKS could not be fetched or read: the server's problem, not the token's (INTERNAL,
  // which the SDK retries).
  return error instanceof Error ? error : new Error(String(error));
}
