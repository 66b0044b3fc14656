import { lstat, readlink, realpath } from "node:fs/promises";
import path from "node:path";
import { errnoCode, fsFailure, ToolFailure } from "../tools/tool-failure.js";

/** Longest path accepted, in UTF-8 bytes (Linux `PATH_MAX`). */
export const MAX_PATH_BYTES = 4096;
/** Longest single path component accepted, in UTF-8 bytes (Linux `NAME_MAX`). */
export const MAX_COMPONENT_BYTES = 255;
/** Symbolic links followed while resolving one path before it counts as a loop. */
const MAX_LINK_HOPS = 40;

/** A workspace: its id and the real (symlink-free) absolute path of its directory. */
export interface Workspace {
  id: string;
  root: string;
}

/** A path confined to a workspace. */
export interface ConfinedPath {
  /** Absolute path under the workspace root, lexically normalised (symlinks not resolved). */
  abs: string;
  /** The same path relative to the workspace root, `/`-separated; `.` for the root itself. */
  rel: string;
}

/**
 * Resolves a tool's `input` path inside `workspace`, or throws `sandbox_violation`. The path
 * is checked twice: lexically (`..` chains, absolute paths outside the root), then after
 * following every symbolic link of its deepest existing ancestor — including a dangling link
 * at the end, whose target is where a write would land. Also refused: NUL bytes, paths over
 * {@link MAX_PATH_BYTES} (as given, or once joined to the workspace root) and components over
 * {@link MAX_COMPONENT_BYTES}. An absolute path
 * inside the workspace is accepted.
 *
 * Operations then use `abs`, so a link inside the workspace that points inside it keeps
 * working (and `delete_file` removes the link, not its target).
 *
 * @example
 * const { abs, rel } = await confinePath(workspace, "src/../README.md"); // rel: "README.md"
 * await confinePath(workspace, "../../etc/passwd"); // throws ToolFailure("sandbox_violation")
 */
export async function confinePath(workspace: Workspace, input: string): Promise<ConfinedPath> {
  if (input.includes("\0")) throw violation("path contains a NUL byte");
  if (Buffer.byteLength(input) > MAX_PATH_BYTES) {
    throw violation(`path is longer than ${MAX_PATH_BYTES} bytes`);
  }
  if (input.split("/").some((part) => Buffer.byteLength(part) > MAX_COMPONENT_BYTES)) {
    throw violation(`a path component is longer than ${MAX_COMPONENT_BYTES} bytes`);
  }
  const root = workspace.root;
  const abs = path.resolve(root, input);
  if (!isInside(root, abs)) {
    throw violation(
      path.isAbsolute(input)
        ? `${input}: absolute path outside the workspace`
        : `${input}: path escapes the workspace`,
    );
  }
  if (Buffer.byteLength(abs) > MAX_PATH_BYTES) {
    throw violation(`path is longer than ${MAX_PATH_BYTES} bytes inside the workspace`);
  }
  const rel = toRelative(root, abs);
  const real = await realLocation(abs, 0, rel);
  if (!isInside(root, real)) {
    throw violation(`${rel}: a symbolic link leads outside the workspace`);
  }
  return { abs, rel };
}

/**
 * True when `candidate` is `root` or lies under it (both absolute and normalised).
 *
 * @example
 * isInside("/w", "/w/a"); // true
 * isInside("/w", "/wx"); // false
 */
export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith("/") ? root : `${root}/`);
}

/**
 * `abs` relative to `root`, `/`-separated, `.` for the root itself.
 *
 * @example
 * toRelative("/w", "/w/src/a.ts"); // "src/a.ts"
 */
export function toRelative(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  return rel === "" ? "." : rel.split(path.sep).join("/");
}

/**
 * Where `p` really is: the realpath of its deepest existing ancestor with the missing tail
 * appended. A dangling symbolic link is followed to its target, so a write through it is
 * checked against where it would land.
 */
async function realLocation(p: string, hops: number, rel: string): Promise<string> {
  if (hops > MAX_LINK_HOPS) throw violation(`${rel}: too many levels of symbolic links`);
  try {
    return await realpath(p);
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ELOOP") throw violation(`${rel}: too many levels of symbolic links`);
    if (code !== "ENOENT" && code !== "ENOTDIR") throw fsFailure(err, rel);
  }
  const parent = path.dirname(p);
  if (parent === p) return p;
  const realParent = await realLocation(parent, hops, rel);
  const isLink = await lstat(p).then(
    (stats) => stats.isSymbolicLink(),
    () => false,
  );
  if (!isLink) return path.join(realParent, path.basename(p));
  const target = await readlink(p);
  return realLocation(path.resolve(realParent, target), hops + 1, rel);
}

function violation(message: string): ToolFailure {
  return new ToolFailure("sandbox_violation", message);
}
