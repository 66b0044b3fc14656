import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { z } from "zod";
import type { Config } from "../config.js";
import { setBounded } from "../core/bounded-map.js";
import { AuraError } from "../core/errors.js";

/** Who is calling: the verified claims the Worker acts on. */
export interface Principal {
  sub: string;
  org: string;
  exp: number;
}

const Claims = z.object({
  sub: z.string().min(1).max(256),
  org: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._-]+$/, "org must be letters, digits, '.', '_' or '-'"),
  exp: z.number().int(),
});

/** Verified tokens kept at most. */
const MAX_CACHED_TOKENS = 10_000;

const HMAC_ALGS = ["HS256"];
const ASYMMETRIC_ALGS = ["RS256", "ES256"];

/** Verifies bearer tokens against the configured HS256 secret or JWKS. */
export class TokenVerifier {
  readonly #secret?: Uint8Array;
  readonly #jwks?: JWTVerifyGetKey;
  /** Verified principals by token, kept until the token expires. */
  readonly #cache = new Map<string, Principal>();

  constructor(config: Pick<Config, "jwtSecret" | "jwksUrl">) {
    if (config.jwtSecret !== undefined) this.#secret = new TextEncoder().encode(config.jwtSecret);
    if (config.jwksUrl !== undefined) this.#jwks = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  /**
   * Returns the principal of a valid token or throws `unauthorized`: missing, malformed,
   * expired, badly signed, `alg: none`, or lacking `sub`/`org`/`exp`.
   */
  async verify(token: string | undefined, nowMs: number): Promise<Principal> {
    if (!token) throw new AuraError("unauthorized", "missing bearer token");
    const cached = this.#cache.get(token);
    if (cached) {
      if (cached.exp * 1000 > nowMs) return cached;
      this.#cache.delete(token);
      throw new AuraError("unauthorized", "token expired");
    }
    const payload = await this.#verifySignature(token, nowMs);
    const claims = Claims.safeParse(payload);
    if (!claims.success) {
      const issue = claims.error.issues[0];
      throw new AuraError(
        "unauthorized",
        `token claim ${String(issue?.path[0] ?? "")}: ${issue?.message ?? "invalid"}`,
      );
    }
    setBounded(this.#cache, token, claims.data, MAX_CACHED_TOKENS);
    return claims.data;
  }

  async #verifySignature(token: string, nowMs: number): Promise<JWTPayload> {
    const options = { currentDate: new Date(nowMs), requiredClaims: ["exp", "sub"] };
    try {
      if (this.#secret) {
        try {
          return (await jwtVerify(token, this.#secret, { ...options, algorithms: HMAC_ALGS }))
            .payload;
        } catch (err) {
          if (!this.#jwks || !(err instanceof errors.JOSEAlgNotAllowed)) throw err;
        }
      }
      if (this.#jwks)
        return (await jwtVerify(token, this.#jwks, { ...options, algorithms: ASYMMETRIC_ALGS }))
          .payload;
      throw new AuraError("config_error", "AURA_JWT_SECRET or AURA_JWKS_URL must be set");
    } catch (err) {
      if (err instanceof AuraError) throw err;
      if (err instanceof errors.JWTExpired) throw new AuraError("unauthorized", "token expired");
      if (isKeySetOutage(err)) {
        throw new AuraError("unavailable", "the key set at AURA_JWKS_URL cannot be fetched");
      }
      if (err instanceof errors.JOSEError)
        throw new AuraError("unauthorized", `invalid token (${err.code})`);
      throw err;
    }
  }
}

/**
 * True for failures to obtain the JWKS (unreachable, timed out, non-200): a server-side
 * outage, not a bad token.
 */
function isKeySetOutage(err: unknown): boolean {
  if (err instanceof errors.JWKSTimeout) return true;
  if (err instanceof errors.JOSEError) return err.code === "ERR_JOSE_GENERIC";
  return err instanceof TypeError;
}

/** Extracts a bearer token from an Authorization header value. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}
