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
