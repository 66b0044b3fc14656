/**
 * Orders strings by UTF-16 code units: the same order on every machine and in every locale,
 * which `localeCompare` does not promise. Listings, trees and search results use it.
 *
 * @example
 * ["b", "B", "a"].sort(byCodePoint); // ["B", "a", "b"]
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
