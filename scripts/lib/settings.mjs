import { resolve } from "node:path";
import { z } from "zod";

/** Log levels `wrangler dev --log-level` accepts. */
export const LOG_LEVELS = /** @type {const} */ (["debug", "info", "log", "warn", "error", "none"]);

/** Variables outside the AURA_ and SANDBOX_ prefixes that the Worker reads (SPEC §11). */
const EXTRA_WORKER_VARS = new Set(["ALLOWED_COMMANDS", "RECORD_WINDOW_SIZE"]);

/** Settings whose rejected value an error message may quote: none of them is a secret. */
const QUOTABLE = new Set([
  "AURA_PORT",
  "AURA_SANDBOX_PORT",
  "AURA_LOG_LEVEL",
  "AURA_LLM_ROUTING",
  "AURA_SANDBOX_ISOLATION",
  "AURA_SANDBOX_NETWORK",
]);

const text = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** @param {number} fallback */
const port = (fallback) =>
  text.pipe(
    z
      .string()
      .regex(/^\d+$/, "must be a port number from 1 to 65535")
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(1, "must be a port number from 1 to 65535")
          .max(65535, "must be a port number from 1 to 65535"),
      )
      .optional()
      .transform((v) => v ?? fallback),
  );

/** An `on` | `off` switch, `on` when unset. */
const onOff = text.pipe(
  z
    .enum(["on", "off"], "must be on or off")
    .optional()
    .transform((v) => v ?? "on"),
);

const SettingsSchema = z
  .object({
    AURA_PORT: port(8787),
    AURA_SANDBOX_PORT: port(8788),
    AURA_DATA_DIR: text.transform((v) => v ?? "./aura_data"),
    AURA_LOG_LEVEL: text
      .pipe(z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`).optional())
      .transform((v) => v ?? "warn"),
    AURA_JWT_SECRET: text.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    AURA_JWKS_URL: text.pipe(z.url("must be a URL").optional()),
    AURA_LLM_ROUTING: text.pipe(
      z.enum(["proxy", "direct", "mock"], "must be one of proxy, direct, mock").optional(),
    ),
    AURA_ANTHROPIC_API_KEY: text,
    AURA_ROUTER_URL: text,
    SANDBOX_TOKEN_SECRET: text.pipe(
      z.string().min(32, "must be at least 32 characters").optional(),
    ),
    SANDBOX_URL: text,
    AURA_SANDBOX_ISOLATION: onOff,
    AURA_SANDBOX_NETWORK: onOff,
  })
  .superRefine((s, ctx) => {
    if (s.SANDBOX_URL !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["SANDBOX_URL"],
        message:
          "npm start runs its own sandbox on AURA_SANDBOX_PORT and points the Worker at it; unset SANDBOX_URL",
      });
    }
    if (s.AURA_SANDBOX_PORT === s.AURA_PORT) {
      ctx.addIssue({
        code: "custom",
        path: ["AURA_SANDBOX_PORT"],
        message: `must differ from AURA_PORT (both are ${s.AURA_PORT})`,
      });
    }
  });

/**
 * The local stack's settings, read once from the environment of `npm start`.
 * @typedef {Readonly<{
 *   port: number,
 *   sandboxPort: number,
 *   dataDir: string,
 *   logLevel: (typeof LOG_LEVELS)[number],
 *   jwtSecret?: string,
 *   jwksUrl?: string,
 *   sandboxTokenSecret?: string,
 *   allowedCommands?: string,
 *   sandboxIsolation: "on" | "off",
 *   sandboxNetwork: "on" | "off",
 *   reasoner: "proxy" | "direct" | "mock",
 *   workerVars: Readonly<Record<string, string>>,
 * }>} Settings
 */

/**
 * Parses `npm start`'s environment. The error names the variable and never quotes a
 * secret's value.
 *
 * @param {Record<string, string | undefined>} env
 * @param {string} cwd the directory relative `AURA_DATA_DIR` values resolve against
 * @returns {{ ok: true, settings: Settings } | { ok: false, error: string }}
 * @example
 * parseSettings({ AURA_PORT: "9000" }, process.cwd()).settings?.port; // 9000
 * parseSettings({ AURA_PORT: "http" }, process.cwd()).error; // "AURA_PORT: must be a port number …"
 */
export function parseSettings(env, cwd) {
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    const got = QUOTABLE.has(name) ? ` (got ${JSON.stringify(env[name])})` : "";
    return { ok: false, error: `${name}: ${issue?.message}${got}` };
  }
  const s = parsed.data;
  /** @type {Settings} */
  const settings = Object.freeze({
    port: s.AURA_PORT,
    sandboxPort: s.AURA_SANDBOX_PORT,
    dataDir: resolve(cwd, s.AURA_DATA_DIR),
    logLevel: s.AURA_LOG_LEVEL,
    jwtSecret: s.AURA_JWT_SECRET,
    jwksUrl: s.AURA_JWKS_URL,
    sandboxTokenSecret: s.SANDBOX_TOKEN_SECRET,
    allowedCommands: env.ALLOWED_COMMANDS,
    sandboxIsolation: s.AURA_SANDBOX_ISOLATION,
    sandboxNetwork: s.AURA_SANDBOX_NETWORK,
    reasoner: s.AURA_LLM_ROUTING ?? defaultReasoner(s),
    workerVars: Object.freeze(workerVars(env)),
  });
  return { ok: true, settings };
}

/**
 * The variables handed to the Worker: every `AURA_*` and `SANDBOX_*` one, plus the
 * unprefixed ones it reads.
 * @param {Record<string, string | undefined>} env
 * @returns {Record<string, string>}
 */
export function workerVars(env) {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (/^(AURA|SANDBOX)_/.test(name) || EXTRA_WORKER_VARS.has(name)) vars[name] = value;
  }
  return vars;
}

/**
 * The Worker's own default (src/config.ts): a key selects direct mode, a router proxy mode.
 * @param {{ AURA_ANTHROPIC_API_KEY?: string, AURA_ROUTER_URL?: string }} s
 * @returns {Settings["reasoner"]}
 */
function defaultReasoner(s) {
  if (s.AURA_ANTHROPIC_API_KEY !== undefined) return "direct";
  if (s.AURA_ROUTER_URL !== undefined) return "proxy";
  return "mock";
}
