import { blake3Hex } from "../core/hash.js";
import { slugOf } from "../core/slug.js";
import { MAX_PATH_CHARS } from "../protocol/stream.js";

/** The `session_init` fields that name a directory under the agent's workspace base. */
export type WorkspaceField = "workspace" | "project_path";

/** An `invalid_workspace` error, shaped as the `error` frame it becomes. */
export interface InvalidWorkspace {
  code: "invalid_workspace";
  message: string;
  recoverable: true;
}

/** A checked path: normalised and relative to the base (`"."` is the base itself), or why not. */
export type WorkspacePathResult =
  | { ok: true; path: string }
  | { ok: false; error: InvalidWorkspace };

/** Longest path segment, in UTF-8 bytes (the usual file-name limit). */
const MAX_SEGMENT_BYTES = 255;
/** Deepest path accepted. */
const MAX_DEPTH = 64;
/** Percent-encoded `.`, `/`, `\` and NUL: harmless to a file system, but not to a layer that decodes. */
const ENCODED_SEPARATOR = /%(2e|2f|5c|00)/i;
/** Control characters (C0 and DEL): never part of a path a person means. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks a `session_init.workspace` or `project_path` and returns it normalised relative to
 * the workspace base. The check is lexical and strict, so nothing it accepts can resolve
 * outside the base whatever the base is: any `..` segment (even one that would stay inside),
 * absolute paths (`/x`, `C:x`, `\\host`), backslashes, `~`, NUL and other control characters,
 * percent-encoded dots or separators, and segments that become `..` under Unicode
 * compatibility folding (`．．`) are all refused. Empty and `.` segments are dropped. Symlinks
 * are the sandbox's to resolve: it checks every path again after following them.
 *
 * @example
 * checkWorkspacePath("workspace", "./projects//demo/"); // { ok: true, path: "projects/demo" }
 * checkWorkspacePath("workspace", "../etc").ok;          // false (invalid_workspace)
 */
export function checkWorkspacePath(field: WorkspaceField, input: string): WorkspacePathResult {
  const refusal = refusalOf(input);
  if (refusal !== undefined) return invalid(field, refusal);
  const segments = input.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.length > MAX_DEPTH) return invalid(field, `is deeper than ${MAX_DEPTH} segments`);
  for (const segment of segments) {
    if (segment === ".." || segment.normalize("NFKC").split("/").includes("..")) {
      return invalid(field, "must not contain '..' segments");
    }
    if (new TextEncoder().encode(segment).length > MAX_SEGMENT_BYTES) {
      return invalid(field, `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return { ok: true, path: segments.length === 0 ? "." : segments.join("/") };
}

/** The folder of the workspace base that absolute host `project_path`s are mapped into. */
export const HOST_PROJECTS_DIR = "projects";
/** Hex digits of the path's BLAKE3 digest in a mapped folder's name. */
const HOST_HASH_CHARS = 12;
/** An absolute host path: POSIX (`/…`) or a Windows drive (`C:\…`, `C:/…`). */
const HOST_ABSOLUTE = /^(?:\/|[A-Za-z]:[\\/])/;

/**
 * Checks a `session_init.project_path`. A relative path is checked like `workspace` (see
 * {@link checkWorkspacePath}). An absolute host path — what a reference client sends: the
 * project's directory on its own machine — is mapped to a folder of the agent's workspace,
 * `projects/<slug>-<hash>`: `<slug>` is the last segment's {@link slugOf}, `<hash>` the first
 * 12 hex digits of the BLAKE3 digest of the path normalised (empty and `.` segments dropped,
 * `\` read as `/`, a drive letter upper-cased). So the same host path always maps to the same
 * folder, different paths to different folders, and the result is a single plain segment
 * under `projects/`, which can never leave the base. `..` segments (also percent-encoded or
 * after Unicode folding), NUL and other control characters are refused all the same.
 *
 * @example
 * checkProjectPath("/home/ann/My App"); // { ok: true, path: "projects/my-app-<12 hex>" }
 * checkProjectPath("/home/ann/../etc").ok; // false (invalid_workspace)
 * checkProjectPath("sub/dir");          // { ok: true, path: "sub/dir" }
 */
export function checkProjectPath(input: string): WorkspacePathResult {
  if (!HOST_ABSOLUTE.test(input)) return checkWorkspacePath("project_path", input);
  const refusal = hostRefusalOf(input);
  if (refusal !== undefined) return invalid("project_path", refusal);
  const drive = /^[A-Za-z]:/.test(input) ? `${input.slice(0, 2).toUpperCase()}` : "";
  const segments = input
    .slice(drive.length)
    .split(/[\\/]/)
    .filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s.normalize("NFKC").split(/[\\/]/).includes(".."))) {
    return invalid("project_path", "must not contain '..' segments");
  }
  const normalised = `${drive}/${segments.join("/")}`;
  const name = `${slugOf(segments.at(-1) ?? "root")}-${blake3Hex(normalised).slice(0, HOST_HASH_CHARS)}`;
  return { ok: true, path: `${HOST_PROJECTS_DIR}/${name}` };
}

/** Why an absolute host path is refused, if it is. */
function hostRefusalOf(input: string): string | undefined {
  if (input.length > MAX_PATH_CHARS) return `is longer than ${MAX_PATH_CHARS} characters`;
  if (input.includes("\0")) return "must not contain NUL";
  if (CONTROL.test(input)) return "must not contain control characters";
  if (ENCODED_SEPARATOR.test(input)) return "must not contain percent-encoded dots or separators";
  return undefined;
}

/** Why `input` is refused before it is split, if it is. */
function refusalOf(input: string): string | undefined {
  if (input.length > MAX_PATH_CHARS) return `is longer than ${MAX_PATH_CHARS} characters`;
  if (input.includes("\0")) return "must not contain NUL";
  if (CONTROL.test(input)) return "must not contain control characters";
  if (input.includes("\\")) return "must use '/' separators, not backslashes";
  if (input.startsWith("/")) return "must be relative to the workspace base, not absolute";
  if (/^[A-Za-z]:/.test(input)) return "must not name a drive";
  if (input.startsWith("~")) return "must not start with '~'";
  if (ENCODED_SEPARATOR.test(input)) return "must not contain percent-encoded dots or separators";
  if (input.normalize("NFKC") !== input && refusalOf(input.normalize("NFKC")) !== undefined) {
    return "must not contain characters that fold into separators";
  }
  return undefined;
}

function invalid(field: WorkspaceField, why: string): WorkspacePathResult {
  return {
    ok: false,
    error: { code: "invalid_workspace", message: `${field} ${why}`, recoverable: true },
  };
}
