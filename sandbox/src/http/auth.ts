import type { IncomingHttpHeaders } from "node:http";
import { decodeJwt, jwtVerify } from "jose";
import {
  SANDBOX_TOKEN_AUDIENCE,
  SANDBOX_TOKEN_ISSUER,
  WorkspaceId,
} from "../../../src/protocol/sandbox.js";
import { WorkspaceKeys } from "../../../src/tools/workspace-key.js";
import { SandboxError } from "../errors.js";

/** Seconds of clock skew tolerated between the Worker that signs and the sandbox that checks. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * What the sandbox verifies tokens with: the Worker's secret, from which it derives each
 * workspace's key (the local stack, a self-hosted `SANDBOX_URL`), or one workspace's key alone
 * (a Container, which serves that workspace only).
 */
export type SandboxTokenKeys =
  | { secret: string; workspaceKey?: undefined }
  | { secret?: undefined; workspaceKey: { workspace: string; key: Uint8Array } };

/** Verifies sandbox tokens against per-workspace HS256 keys. */
export interface TokenVerifier {
  /**
   * Resolves when `headers` carry a valid token whose `sub` is `workspace`. Fails with
   * `invalid_request` (a workspace id that is not 64 lowercase hex), `unauthorized` (no,
   * malformed, badly signed, expired or not-HS256 token) or `forbidden` (a token for another
   * workspace, or a workspace this single-workspace sandbox does not serve).
   */
  authorize(headers: IncomingHttpHeaders, workspace: string): Promise<void>;
}

/**
 * Builds the verifier for tokens the Worker signs (SPEC §9): HS256 only, audience
 * {@link SANDBOX_TOKEN_AUDIENCE}, issuer {@link SANDBOX_TOKEN_ISSUER}, `exp` and `sub`
 * required, signed with the key of the workspace named by `sub` (`deriveWorkspaceKey`). A
 * token signed with the secret itself, or with another workspace's key, is refused.
 *
 * @example
 * const tokens = createTokenVerifier({ secret: process.env.SANDBOX_TOKEN_SECRET });
 * await tokens.authorize(req.headers, workspaceId);
 */
export function createTokenVerifier(keys: SandboxTokenKeys): TokenVerifier {
  const derived = keys.secret !== undefined ? new WorkspaceKeys(keys.secret) : undefined;
  const only = keys.workspaceKey;
  return {
    async authorize(headers, workspace) {
      if (!WorkspaceId.safeParse(workspace).success) {
        throw new SandboxError("invalid_request", "workspace must be 64 lowercase hex");
      }
      if (only !== undefined && workspace !== only.workspace) {
        throw new SandboxError("forbidden", "this sandbox serves another workspace");
      }
      const token = bearerToken(headers.authorization);
      const claimed = only?.workspace ?? claimedWorkspace(token);
      const key = only?.key ?? (await derived?.of(claimed));
      if (key === undefined) throw new SandboxError("unauthorized", "no key to verify with");
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
      if (subject !== workspace) {
        throw new SandboxError("forbidden", "the token is scoped to another workspace");
      }
    },
  };
}

/**
 * The workspace a token claims (`sub`, not yet verified): it picks the key the signature is
 * then checked with, so only a workspace id is accepted.
 */
function claimedWorkspace(token: string): string {
  let sub: unknown;
  try {
    sub = decodeJwt(token).sub;
  } catch {
    throw new SandboxError("unauthorized", "invalid sandbox token: not a JWT");
  }
  if (typeof sub !== "string" || !WorkspaceId.safeParse(sub).success) {
    throw new SandboxError("unauthorized", "invalid sandbox token: sub must be a workspace id");
  }
  return sub;
}

function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) {
    throw new SandboxError("unauthorized", "missing Authorization: Bearer <token>");
  }
  return match[1];
}
