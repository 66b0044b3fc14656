import path from "node:path";
import { z } from "zod";
import { workspaceKeyFromHex } from "../../src/tools/workspace-key.js";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** A workspace id (as `WorkspaceId` in `src/protocol/sandbox.ts`). */
const WORKSPACE_ID = /^[0-9a-f]{64}$/;

/** An `on` | `off` switch, `on` when unset. */
const onOff = optionalString.pipe(
  z
    .enum(["on", "off"], "must be on or off")
    .optional()
    .transform((v) => v ?? "on"),
);

const SandboxEnv = z.object({
  SANDBOX_ROOT: optionalString.transform((v) => path.resolve(v ?? "./aura_data/sandbox")),
  SANDBOX_TOKEN_SECRET: optionalString.pipe(
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  SANDBOX_WORKSPACE_ID: optionalString.pipe(
    z.string().regex(WORKSPACE_ID, "must be 64 lowercase hex digits").optional(),
  ),
  SANDBOX_WORKSPACE_KEY: optionalString.pipe(
    z
      .string()
      .transform((hex, ctx) => {
        const key = workspaceKeyFromHex(hex);
        if (key === undefined) ctx.addIssue({ code: "custom", message: "must be 64 hex digits" });
        return key ?? new Uint8Array();
      })
      .optional(),
  ),
  ALLOWED_COMMANDS: optionalString.transform((v) =>
    (v ?? "")
      .split(",")
      .map((word) => word.trim())
      .filter((word) => word !== ""),
  ),
  AURA_SANDBOX_PORT: optionalString.pipe(
    z
      .string()
      .regex(/^\d+$/, "must be a whole number")
      .transform(Number)
      .pipe(z.number().int().min(0).max(65535))
      .optional()
      .transform((v) => v ?? 8788),
  ),
  SANDBOX_HOST: optionalString.transform((v) => v ?? "127.0.0.1"),
  AURA_SANDBOX_ISOLATION: onOff,
  AURA_SANDBOX_NETWORK: onOff,
});

/** The sandbox process's settings, parsed once from its environment. */
export type SandboxConfig = Readonly<{
  root: string;
  /** Set in the derive-per-workspace mode; exactly one of this and `workspaceKey`. */
  tokenSecret: string | undefined;
  /** Set in the single-workspace mode (a Container). */
  workspaceKey: Readonly<{ workspace: string; key: Uint8Array }> | undefined;
  allowedCommands: readonly string[];
  port: number;
  host: string;
  /** `AURA_SANDBOX_ISOLATION`: `on` confines every command and terminal with bubblewrap. */
  isolation: "on" | "off";
  /** `AURA_SANDBOX_NETWORK`: whether confined commands keep the network. */
  network: boolean;
}>;

/** A bad environment variable; the message starts with its name. */
export class SandboxConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The variables that carry signing material; removed from the environment once read. */
const KEY_VARIABLES = ["SANDBOX_TOKEN_SECRET", "SANDBOX_WORKSPACE_KEY"] as const;

/**
 * Parses the sandbox's environment: `SANDBOX_ROOT` (default `./aura_data/sandbox`, made
 * absolute), the token keys — `SANDBOX_TOKEN_SECRET` (≥ 32 characters; each workspace's key is
 * derived from it) or `SANDBOX_WORKSPACE_ID` with `SANDBOX_WORKSPACE_KEY` (64 hex digits: that
 * workspace only), exactly one of the two —, `ALLOWED_COMMANDS` (comma list, empty = any
 * command), `AURA_SANDBOX_PORT` (default 8788), `SANDBOX_HOST` (default 127.0.0.1),
 * `AURA_SANDBOX_ISOLATION` and `AURA_SANDBOX_NETWORK` (`on` | `off`, default `on`). A bad
 * value throws {@link SandboxConfigError} naming the variable.
 *
 * `SANDBOX_TOKEN_SECRET` and `SANDBOX_WORKSPACE_KEY` are deleted from `env` once read (pass
 * `process.env`), so nothing the process starts afterwards inherits them.
 *
 * @example
 * const config = loadSandboxConfig(process.env);
 * // { root: "/app/aura_data/sandbox", port: 8788, host: "127.0.0.1", … }
 */
export function loadSandboxConfig(env: Record<string, string | undefined>): SandboxConfig {
  const parsed = SandboxEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    throw new SandboxConfigError(`${name}: ${issue?.message ?? "invalid"}`);
  }
  const c = parsed.data;
  for (const name of KEY_VARIABLES) delete env[name];
  return Object.freeze({
    root: c.SANDBOX_ROOT,
    ...tokenKeys(c.SANDBOX_TOKEN_SECRET, c.SANDBOX_WORKSPACE_ID, c.SANDBOX_WORKSPACE_KEY),
    allowedCommands: Object.freeze(c.ALLOWED_COMMANDS),
    port: c.AURA_SANDBOX_PORT,
    host: c.SANDBOX_HOST,
    isolation: c.AURA_SANDBOX_ISOLATION,
    network: c.AURA_SANDBOX_NETWORK === "on",
  });
}

/** Exactly one way to verify tokens: the secret, or one workspace's id and key together. */
function tokenKeys(
  secret: string | undefined,
  workspace: string | undefined,
  key: Uint8Array | undefined,
): Pick<SandboxConfig, "tokenSecret" | "workspaceKey"> {
  if (secret !== undefined) {
    if (workspace !== undefined || key !== undefined) {
      throw new SandboxConfigError(
        "SANDBOX_TOKEN_SECRET: set it or SANDBOX_WORKSPACE_ID with SANDBOX_WORKSPACE_KEY, not both",
      );
    }
    return { tokenSecret: secret, workspaceKey: undefined };
  }
  if (workspace !== undefined && key !== undefined) {
    return { tokenSecret: undefined, workspaceKey: Object.freeze({ workspace, key }) };
  }
  if (workspace !== undefined) {
    throw new SandboxConfigError("SANDBOX_WORKSPACE_KEY: is required with SANDBOX_WORKSPACE_ID");
  }
  if (key !== undefined) {
    throw new SandboxConfigError("SANDBOX_WORKSPACE_ID: is required with SANDBOX_WORKSPACE_KEY");
  }
  throw new SandboxConfigError(
    "SANDBOX_TOKEN_SECRET: is required (the secret the Worker signs sandbox tokens with), " +
      "unless SANDBOX_WORKSPACE_ID and SANDBOX_WORKSPACE_KEY are set",
  );
}
