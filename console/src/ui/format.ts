/** The first 12 hex digits of a hash: enough to tell entries apart on screen. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** A time in the reader's locale, to the second. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** JSON for people: indented, long strings kept whole. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}
