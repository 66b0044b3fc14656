import { DEFAULT_LOG_LEVEL, parseLogLevel } from "./levels.js";
import { createLogger, type Logger } from "./logger.js";

const loggers = new WeakMap<object, Logger>();

/** The logger of a missing environment (a bare `app.request()` in a unit test). */
const defaultLogger = createLogger(DEFAULT_LOG_LEVEL);

/**
 * The logger of a Worker or Durable Object environment, at its `AURA_LOG_LEVEL` (made once
 * per env object). It reads that one variable itself, so a logger exists even while another
 * setting is bad — the failure it reports is often that one; an unknown level counts as
 * `info` here while `loadConfig` refuses it.
 *
 * @example
 * loggerFor(c.env).log("info", "request", { method: "GET", route: "/health", status: 200 });
 */
export function loggerFor(env: object | undefined): Logger {
  if (typeof env !== "object" || env === null) return defaultLogger;
  let logger = loggers.get(env);
  if (!logger) {
    const raw = (env as { AURA_LOG_LEVEL?: unknown }).AURA_LOG_LEVEL;
    logger = createLogger(parseLogLevel(raw) ?? DEFAULT_LOG_LEVEL);
    loggers.set(env, logger);
  }
  return logger;
}

/**
 * The logger for failures where no environment is at hand. It writes `error` lines, and
 * every threshold writes those (`AURA_LOG_LEVEL=none` included): failures are always logged.
 *
 * @example
 * failureLogger.log("error", "drain_failed", errorFields(err));
 */
export const failureLogger: Logger = createLogger("error");
