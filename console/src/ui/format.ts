/** The first 12 hex digits of a hash: enough to tell entries apart on screen. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/**
 * The reader's locale's formatter, made once: `toLocaleString` with options builds a new
 * `Intl.DateTimeFormat` on every call, and the record list formats each visible row's time on
 * every scroll.
 */
let timeFormat: Intl.DateTimeFormat | undefined;

/** A time in the reader's locale, to the second. */
export function formatTime(ms: number): string {
  timeFormat ??= new Intl.DateTimeFormat(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return timeFormat.format(ms);
}

/** JSON for people: indented, long strings kept whole. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}
