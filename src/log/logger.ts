import { allowedFields, type LogFieldsInput } from "./fields.js";
import { type LogLevel, passes } from "./levels.js";

/**
 * What a log line reports: one name per kind of line, so a line can be found by its event.
 * `request` and `turn` are the per-request and per-turn lines; the others are operational
 * failures (all at `error`).
 */
export type LogEvent =
  | "request"
  | "turn"
  | "unhandled_error"
  | "stream_relay_failed"
  | "stream_command_failed"
  | "terminal_close_not_recorded"
  | "drain_failed"
  | "set_alarm_failed"
  | "automaton_pump_failed"
  | "message_delivery_failed"
  | "directory_registration_failed"
  | "metrics_fold_failed";

/** Writes structured log lines at or above its threshold. */
export interface Logger {
  /** The least severe level this logger writes. */
  readonly threshold: LogLevel;
  /**
   * Writes one line, `{"ts","level","event",…fields}`, when `level` passes the threshold.
   * Fields take only the keys of `LogFields`, each of its shape; anything else is dropped.
   * Never throws.
   */
  log(level: LogLevel, event: LogEvent, fields?: LogFieldsInput): void;
}

/**
 * Each level goes out through its own console method: Workers Logs, `wrangler tail` and
 * `wrangler dev`'s `--log-level` read a line's level from the method. Looked up per line, so
 * a test's spy on `console` sees it.
 */
const WRITE: Record<LogLevel, (line: string) => void> = {
  debug: (line) => console.debug(line),
  info: (line) => console.info(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

/**
 * A logger writing one JSON object per line to the console, at `threshold` and above; `now`
 * stamps `ts` (ISO 8601). The shell's clock: the kernel never logs.
 *
 * @example
 * const logger = createLogger("info");
 * logger.log("info", "request", { method: "GET", route: "/health", status: 200, duration_ms: 1 });
 * // {"ts":"2026-…Z","level":"info","event":"request","route":"/health","method":"GET",…}
 */
export function createLogger(threshold: LogLevel, now: () => number = Date.now): Logger {
  return {
    threshold,
    log(level, event, fields = {}) {
      if (!passes(level, threshold)) return;
      try {
        const line = { ts: new Date(now()).toISOString(), level, event, ...allowedFields(fields) };
        WRITE[level](JSON.stringify(line));
      } catch {
        // A log line is never worth a failed request or turn.
      }
    },
  };
}
