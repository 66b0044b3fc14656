import path from "node:path";
import { z } from "zod";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const SandboxEnv = z.object({
  SANDBOX_ROOT: optionalString.transform((v) => path.resolve(v ?? "./aura_data/sandbox")),
  SANDBOX_TOKEN_SECRET: optionalString.pipe(
    z
      .string({ error: "is required (the secret the Worker signs sandbox tokens with)" })
      .min(32, "must be at least 32 characters"),
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
});

/** The sandbox process's settings, parsed once from its environment. */
export type SandboxConfig = Readonly<{
  root: string;
  tokenSecret: string;
  allowedCommands: readonly string[];
  port: number;
  host: string;
}>;

/** A bad environment variable; the message starts with its name. */
export class SandboxConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Parses the sandbox's environment: `SANDBOX_ROOT` (default `./aura_data/sandbox`, made
 * absolute), `SANDBOX_TOKEN_SECRET` (required, ≥ 32 characters), `ALLOWED_COMMANDS` (comma
 * list, empty = any command), `AURA_SANDBOX_PORT` (default 8788), `SANDBOX_HOST` (default
 * 127.0.0.1). A bad value throws {@link SandboxConfigError} naming the variable.
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
  return Object.freeze({
    root: c.SANDBOX_ROOT,
    tokenSecret: c.SANDBOX_TOKEN_SECRET,
    allowedCommands: Object.freeze(c.ALLOWED_COMMANDS),
    port: c.AURA_SANDBOX_PORT,
    host: c.SANDBOX_HOST,
  });
}
