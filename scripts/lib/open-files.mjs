import { readdirSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";

/**
 * The SQLite files of Durable Objects under a Miniflare persist dir (one `<id>.sqlite` per
 * object, in a folder per class; each class's `metadata.sqlite` left out), as real paths.
 *
 * @example
 * const before = objectFiles(dir); // … create an agent …
 * const [file] = [...objectFiles(dir)].filter((f) => !before.has(f));
 * @param {string} persistDir
 * @returns {Set<string>}
 */
export function objectFiles(persistDir) {
  const files = new Set();
  for (const entry of readdirSync(persistDir, { recursive: true, encoding: "utf8" })) {
    if (!entry.endsWith(".sqlite") || entry.endsWith("metadata.sqlite")) continue;
    files.add(realpathSync(join(persistDir, entry)));
  }
  return files;
}

/**
 * Whether process `pid` holds `file` open, from `/proc/<pid>/fd` (Linux); undefined when
 * that cannot be read. workerd opens a Durable Object's SQLite file when the object starts
 * and closes it when it evicts the object, so this tells whether the object is in memory.
 *
 * @example
 * holdsOpen(workerdPid, file); // false once workerd evicted the object
 * @param {number | undefined} pid
 * @param {string} file A real path.
 * @returns {boolean | undefined}
 */
export function holdsOpen(pid, file) {
  if (pid === undefined) return undefined;
  let fds;
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return true;
    } catch {
      // Closed while listing.
    }
  }
  return false;
}
