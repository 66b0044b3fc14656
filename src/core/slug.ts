/**
 * A name as a directory name: lowercase ASCII words joined by `-`, at most 100 characters,
 * `"project"` when nothing is left.
 *
 * @example
 * slugOf("My Great App!"); // "my-great-app"
 * slugOf("日本");          // "project"
 */
export function slugOf(name: string): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "project" : slug.slice(0, 100);
}
