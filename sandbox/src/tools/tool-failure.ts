import type { ToolErrorCode } from "../../../src/protocol/sandbox.js";

/**
 * A tool call that cannot complete, with the reference error code it reports. Tools throw it;
 * the dispatcher turns it into a `ToolResult` with `ok: false`, `stderr` = the message and
 * `metadata.error_code` = the code. It never becomes an HTTP error.
 *
 * @example
 * throw new ToolFailure("sandbox_violation", "../etc/passwd: path escapes the workspace");
 */
export class ToolFailure extends Error {
  readonly code: ToolErrorCode;

  constructor(code: ToolErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The `code` of a Node system error (`ENOENT`, `EISDIR`, …), if it has one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null || !("code" in err)) return undefined;
  return typeof err.code === "string" ? err.code : undefined;
}

/**
 * Translates a filesystem error on `rel` (a workspace-relative path) into a
 * {@link ToolFailure}: a missing path is `path_not_found`, a symlink loop is
 * `sandbox_violation`, anything else `io_error`. The message names the path, not the host
 * location of the workspace.
 *
 * @example
 * try { await readFile(abs); } catch (err) { throw fsFailure(err, "src/a.ts"); }
 */
export function fsFailure(err: unknown, rel: string): ToolFailure {
  if (err instanceof ToolFailure) return err;
  const code = errnoCode(err);
  switch (code) {
    case "ENOENT":
      return new ToolFailure("path_not_found", `${rel}: no such file or directory`);
    case "ENOTDIR":
      return new ToolFailure("path_not_found", `${rel}: not a directory, or a parent of it is not`);
    case "ELOOP":
      return new ToolFailure("sandbox_violation", `${rel}: too many levels of symbolic links`);
    case "EISDIR":
      return new ToolFailure("io_error", `${rel}: is a directory`);
    case "EACCES":
    case "EPERM":
      return new ToolFailure("io_error", `${rel}: permission denied`);
    default:
      return new ToolFailure("io_error", `${rel}: ${code ?? "I/O error"}`);
  }
}
