/** Levels a log line is written at, least severe first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** How much a log line matters; a logger writes lines at its threshold and above. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * What `AURA_LOG_LEVEL` accepts: a level, or one of the two other names `npm start` gives
 * wrangler (it passes the same variable on to the Worker) — `log`, read as `info`, and
 * `none`, read as `error`: failures are always logged.
 */
export const LOG_LEVEL_SETTINGS = ["debug", "info", "log", "warn", "error", "none"] as const;

/** A value `AURA_LOG_LEVEL` accepts. */
export type LogLevelSetting = (typeof LOG_LEVEL_SETTINGS)[number];

/** The level an unset `AURA_LOG_LEVEL` means. */
export const DEFAULT_LOG_LEVEL: LogLevel = "info";

/**
 * The threshold an accepted `AURA_LOG_LEVEL` value stands for.
 *
 * @example
 * levelOfSetting("log"); // "info"
 * levelOfSetting("none"); // "error"
 */
export function levelOfSetting(setting: LogLevelSetting): LogLevel {
  if (setting === "log") return "info";
  if (setting === "none") return "error";
  return setting;
}

/**
 * The threshold a raw `AURA_LOG_LEVEL` value stands for (trimmed, `info` when unset or blank),
 * or undefined when the value is not one it accepts.
 *
 * @example
 * parseLogLevel(" warn "); // "warn"
 * parseLogLevel("verbose"); // undefined
 */
export function parseLogLevel(raw: unknown): LogLevel | undefined {
  if (raw === undefined) return DEFAULT_LOG_LEVEL;
  if (typeof raw !== "string") return undefined;
  const value = raw.trim();
  if (value === "") return DEFAULT_LOG_LEVEL;
  const setting = LOG_LEVEL_SETTINGS.find((s) => s === value);
  return setting === undefined ? undefined : levelOfSetting(setting);
}

/**
 * True when a line at `level` is written by a logger at `threshold`.
 *
 * @example
 * passes("debug", "info"); // false
 * passes("error", "warn"); // true
 */
export function passes(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}
