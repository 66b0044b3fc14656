/** Types of `open-files.mjs` for TypeScript importers (tests); the module itself is plain ESM. */

/**
 * The SQLite files of Durable Objects under a Miniflare persist dir (one `<id>.sqlite` per
 * object, in a folder per class; each class's `metadata.sqlite` left out), as real paths.
 */
export function objectFiles(persistDir: string): Set<string>;

/**
 * Whether process `pid` holds `file` (a real path) open, from `/proc/<pid>/fd` (Linux);
 * undefined when that cannot be read. workerd closes a Durable Object's SQLite file when it
 * evicts the object.
 */
export function holdsOpen(pid: number | undefined, file: string): boolean | undefined;
