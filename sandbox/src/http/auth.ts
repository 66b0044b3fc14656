import type { IncomingHttpHeaders } from "node:http";
import { jwtVerify } from "jose";
import {
  SANDBOX_TOKEN_AUDIENCE,
  SANDBOX_TOKEN_ISSUER,
  WorkspaceId,
} from "../../../src/protocol/sandbox.js";
import { SandboxError } from "../errors.js";

/** Seconds of clock skew tolerated between the Worker that signs and the sandbox that checks. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** Verifies sandbox tokens against one HS256 secret. */
export interface TokenVerifier {
  /**
   * Resolves when `headers` carry a valid token whose `sub` is `workspace`. Fails with
   * `unauthorized` (no, malformed, badly signed, expired or not-HS256 token), `invalid_request`
   * (a workspace id that is not 64 lowercase hex) or `forbidden` (a token for another workspace).
   */
  authorize(headers: IncomingHttpHeaders, workspace: string): Promise<void>;
}

/**
 * Builds the verifier for tokens the Worker signs with `secret` (SPEC §9): HS256 only,
 * audience {@link SANDBOX_TOKEN_AUDIENCE}, issuer {@link SANDBOX_TOKEN_ISSUER}, `exp` and `sub`
 * required.
 *
 * @example
 * const tokens = createTokenVerifier(process.env.SANDBOX_TOKEN_SECRET);
 * await tokens.authorize(req.headers, workspaceId);
 */
export function createTokenVerifier(secret: string): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  return {
    async authorize(headers, workspace) {
      const token = bearerToken(headers.authorization);
      let subject: string | undefined;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          audience: SANDBOX_TOKEN_AUDIENCE,
          issuer: SANDBOX_TOKEN_ISSUER,
          requiredClaims: ["exp", "sub"],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        subject = payload.sub;
      } catch (err) {
        const reason = err instanceof Error ? err.message : "invalid token";
        throw new SandboxError("unauthorized", `invalid sandbox token: ${reason}`);
      }
      if (!WorkspaceId.safeParse(workspace).success) {
        throw new SandboxError("invalid_request", "workspace must be 64 lowercase hex");
      }
      if (subject !== workspace) {
        throw new SandboxError("forbidden", "the token is scoped to another workspace");
      }
    },
  };
}

function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) {
    throw new SandboxError("unauthorized", "missing Authorization: Bearer <token>");
  }
  return match[1];
}
