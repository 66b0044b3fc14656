import { z } from "zod";
import { AuraError } from "./core/errors.js";
import { DEFAULT_WINDOW_SIZE } from "./kernel/version.js";
import {
  DEFAULT_LOG_LEVEL,
  LOG_LEVEL_SETTINGS,
  type LogLevel,
  levelOfSetting,
} from "./log/levels.js";
import { parseOriginList } from "./tools/endpoint-guard.js";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const optionalUrl = optionalString.pipe(z.url().optional());

const intFrom = (fallback: number, min: number, max: number) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^\d+$/, "must be a whole number")
      .transform(Number)
      .pipe(z.number().int().min(min).max(max))
      .optional()
      .transform((v) => v ?? fallback),
  );

const ConfigSchema = z
  .object({
    AURA_JWT_SECRET: optionalString,
    AURA_JWKS_URL: optionalUrl,
    AURA_POLICY: optionalString
      .pipe(z.enum(["dev", "strict"]).optional())
      .transform((v) => v ?? "dev"),
    AURA_LLM_ROUTING: optionalString.pipe(z.enum(["proxy", "direct", "mock"]).optional()),
    AURA_ANTHROPIC_API_KEY: optionalString,
    AURA_ANTHROPIC_BASE_URL: optionalUrl.transform((v) => v ?? "https://api.anthropic.com"),
    AURA_ANTHROPIC_MODEL: optionalString.transform((v) => v ?? "claude-opus-4-6"),
    AURA_ANTHROPIC_FALLBACK_MODEL: optionalString,
    AURA_MODEL_TIMEOUT_MS: intFrom(60_000, 1, 600_000),
    AURA_ROUTER_URL: optionalUrl,
    AURA_ROUTER_JWT: optionalString,
    RECORD_WINDOW_SIZE: intFrom(DEFAULT_WINDOW_SIZE, 1, 1000),
    AURA_INBOX_LIMIT: intFrom(1000, 1, 1_000_000),
    AURA_MAX_SESSIONS_PER_AGENT: intFrom(64, 1, 10_000),
    AURA_LOG_LEVEL: optionalString
      .pipe(z.enum(LOG_LEVEL_SETTINGS).optional())
      .transform((v) => (v === undefined ? DEFAULT_LOG_LEVEL : levelOfSetting(v))),
    SANDBOX_URL: optionalUrl,
    SANDBOX_TOKEN_SECRET: optionalString,
    AURA_TOOL_ENDPOINT_ALLOWLIST: optionalString.transform((raw, ctx) => {
      const parsed = parseOriginList(raw);
      if (parsed.ok) return parsed.origins;
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }),
  })
  .superRefine((c, ctx) => {
    if (c.AURA_JWT_SECRET === undefined && c.AURA_JWKS_URL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["AURA_JWT_SECRET"],
        message: "one of AURA_JWT_SECRET or AURA_JWKS_URL must be set to verify tokens",
      });
    }
    if (c.AURA_JWT_SECRET !== undefined && c.AURA_JWT_SECRET.length < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["AURA_JWT_SECRET"],
        message: "must be at least 32 characters",
      });
    }
    if (c.SANDBOX_TOKEN_SECRET !== undefined && c.SANDBOX_TOKEN_SECRET.length < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["SANDBOX_TOKEN_SECRET"],
        message: "must be at least 32 characters",
      });
    }
    if (c.SANDBOX_URL !== undefined && c.SANDBOX_TOKEN_SECRET === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["SANDBOX_TOKEN_SECRET"],
        message: "must be set when SANDBOX_URL is set (the Worker signs every sandbox request)",
      });
    }
    if (c.AURA_LLM_ROUTING === "direct" && c.AURA_ANTHROPIC_API_KEY === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["AURA_ANTHROPIC_API_KEY"],
        message: "must be set when AURA_LLM_ROUTING=direct",
      });
    }
    if (c.AURA_LLM_ROUTING === "proxy" && c.AURA_ROUTER_URL === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["AURA_ROUTER_URL"],
        message: "must be set when AURA_LLM_ROUTING=proxy",
      });
    }
  });

/** The Worker's settings, parsed once from its environment. */
export type Config = Readonly<{
  jwtSecret?: string;
  jwksUrl?: string;
  policy: "dev" | "strict";
  llmRouting: "proxy" | "direct" | "mock";
  /** Direct mode: the Anthropic API key (required when `llmRouting` is `direct`). */
  anthropicApiKey?: string;
  anthropicBaseUrl: string;
  anthropicModel: string;
  /** Tried after the primary model stays overloaded through its retries. */
  anthropicFallbackModel?: string;
  /** Per model request (each attempt), in milliseconds. */
  modelTimeoutMs: number;
  /** Proxy mode: the router's base URL (required when `llmRouting` is `proxy`). */
  routerUrl?: string;
  /** Proxy mode: the JWT sent when a call carries none of its own. */
  routerJwt?: string;
  windowSize: number;
  /**
   * Client transactions an agent holds queued (not yet processed, a paused agent's too)
   * before it refuses more with `rate_limited` (`AURA_INBOX_LIMIT`).
   */
  inboxLimit: number;
  /** Open `/stream` sockets an agent accepts at once (`AURA_MAX_SESSIONS_PER_AGENT`). */
  maxSessionsPerAgent: number;
  /**
   * The least severe log lines written (`AURA_LOG_LEVEL`: `debug`, `info`, `warn`, `error`;
   * `log` reads as `info` and `none` as `error`, wrangler's names, which `npm start` passes on).
   */
  logLevel: LogLevel;
  /** Where tools are dispatched locally (the Node sandbox); absent: the Container binding. */
  sandboxUrl?: string;
  /** The secret sandbox tokens are signed with. */
  sandboxTokenSecret?: string;
  /**
   * Origins an installed tool may be called at even on a loopback, private or link-local
   * address (`AURA_TOOL_ENDPOINT_ALLOWLIST`, for local development).
   */
  toolEndpointAllowlist: readonly string[];
}>;

const cache = new WeakMap<object, Config>();

/**
 * Parses the Worker environment once per env object. A missing or bad value fails with a
 * `config_error` (503) naming the variable in its message and as `details.setting`.
 *
 * @example
 * loadConfig({}); // throws config_error "AURA_JWT_SECRET: one of AURA_JWT_SECRET or AURA_JWKS_URL must be set …"
 */
export function loadConfig(env: object): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    throw new AuraError("config_error", `${name}: ${issue?.message ?? "invalid"}`, {
      setting: name,
    });
  }
  const c = parsed.data;
  const config: Config = Object.freeze({
    jwtSecret: c.AURA_JWT_SECRET,
    jwksUrl: c.AURA_JWKS_URL,
    policy: c.AURA_POLICY,
    llmRouting: c.AURA_LLM_ROUTING ?? defaultRouting(c),
    anthropicApiKey: c.AURA_ANTHROPIC_API_KEY,
    anthropicBaseUrl: c.AURA_ANTHROPIC_BASE_URL,
    anthropicModel: c.AURA_ANTHROPIC_MODEL,
    anthropicFallbackModel: c.AURA_ANTHROPIC_FALLBACK_MODEL,
    modelTimeoutMs: c.AURA_MODEL_TIMEOUT_MS,
    routerUrl: c.AURA_ROUTER_URL,
    routerJwt: c.AURA_ROUTER_JWT,
    windowSize: c.RECORD_WINDOW_SIZE,
    inboxLimit: c.AURA_INBOX_LIMIT,
    maxSessionsPerAgent: c.AURA_MAX_SESSIONS_PER_AGENT,
    logLevel: c.AURA_LOG_LEVEL,
    sandboxUrl: c.SANDBOX_URL,
    sandboxTokenSecret: c.SANDBOX_TOKEN_SECRET,
    toolEndpointAllowlist: Object.freeze(c.AURA_TOOL_ENDPOINT_ALLOWLIST),
  });
  cache.set(env, config);
  return config;
}

function defaultRouting(c: {
  AURA_ANTHROPIC_API_KEY?: string;
  AURA_ROUTER_URL?: string;
}): Config["llmRouting"] {
  if (c.AURA_ANTHROPIC_API_KEY !== undefined) return "direct";
  if (c.AURA_ROUTER_URL !== undefined) return "proxy";
  return "mock";
}
