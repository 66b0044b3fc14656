import { lstatSync, readdirSync, type Stats } from "node:fs";
import path from "node:path";

/** Paths under a system directory that the sandbox hides from every command. */
export interface UnreadablePaths {
  /** Files (and other non-directories) whose mode lacks the world-read bit. */
  files: readonly string[];
  /** Directories whose mode lacks the world-read or world-search bit; not descended into. */
  dirs: readonly string[];
}

/** Walking a tree stops after this many entries: a system directory is never this large. */
const MAX_ENTRIES = 200_000;

/**
 * Finds every entry under `roots` that only its owner or group may read: a file without the
 * world-read bit, a directory without world read and search. Symbolic links are not followed
 * (their targets are judged where they live). A root that does not exist yields nothing.
 *
 * Why: inside the sandbox's user namespace the command's uid maps to the server's own uid, so
 * when the server runs as root, root's files look like the command's own (`/etc/shadow`,
 * mode 640, would be readable). Masking exactly these paths keeps the rule "a command can
 * read a system file only if any user of the host could".
 *
 * @example
 * const hidden = findUnreadablePaths(["/etc"]);
 * // { files: ["/etc/gshadow", "/etc/shadow", …], dirs: ["/etc/ssl/private", …] }
 */
export function findUnreadablePaths(roots: readonly string[]): UnreadablePaths {
  const files: string[] = [];
  const dirs: string[] = [];
  let budget = MAX_ENTRIES;

  const visit = (abs: string): void => {
    if (--budget < 0) return;
    const info = lstatOrUndefined(abs);
    if (info === undefined || info.isSymbolicLink()) return;
    if (info.isDirectory()) {
      if (!worldListable(info)) {
        dirs.push(abs);
        return;
      }
      for (const name of readdirOrEmpty(abs).sort()) visit(path.join(abs, name));
      return;
    }
    if (!worldReadable(info)) files.push(abs);
  };

  for (const root of roots) visit(path.resolve(root));
  return { files, dirs };
}

/** True when a user who is neither owner nor in the group may read the file. */
function worldReadable(info: Stats): boolean {
  return (info.mode & 0o004) !== 0;
}

/** True when a user who is neither owner nor in the group may list and enter the directory. */
function worldListable(info: Stats): boolean {
  return (info.mode & 0o005) === 0o005;
}

function lstatOrUndefined(abs: string): Stats | undefined {
  try {
    return lstatSync(abs);
  } catch {
    return undefined;
  }
}

function readdirOrEmpty(abs: string): string[] {
  try {
    return readdirSync(abs);
  } catch {
    return [];
  }
}
