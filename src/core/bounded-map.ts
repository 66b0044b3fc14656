/**
 * Sets `key` in a map used as a bounded cache: when it already holds `max` entries, the
 * oldest inserted one is dropped first.
 *
 * @example
 * setBounded(cache, token, principal, 10_000);
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
