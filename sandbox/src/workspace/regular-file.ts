import { constants, type Stats } from "node:fs";
import { type FileHandle, open, realpath, stat } from "node:fs/promises";
import { fsFailure, ToolFailure } from "../tools/tool-failure.js";
import { type ConfinedPath, isInside, type Workspace } from "./confine.js";

/** How a file is opened: never through a final symlink, never blocking on a FIFO. */
const ACCESS_FLAGS = {
  read: constants.O_RDONLY,
  write: constants.O_WRONLY,
  readwrite: constants.O_RDWR,
} as const;
const SAFE_FLAGS = constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** An open regular file of a workspace and what `fstat` said about it once opened. */
export interface OpenedFile {
  handle: FileHandle;
  info: Stats;
}

/**
 * Refuses what the file tools must not read or write through: a directory is `io_error`
 * (not a regular file); a FIFO, socket or device, and a file with more than one hard link
 * (its other name may be outside the workspace, e.g. a secret linked in by a command) are
 * `sandbox_violation`, with a message naming `rel` and why.
 *
 * @example
 * checkRegularFile(await stat(abs), "notes.txt"); // throws for a FIFO or a hard link
 */
export function checkRegularFile(info: Stats, rel: string): void {
  if (info.isDirectory()) throw new ToolFailure("io_error", `${rel}: not a regular file`);
  if (!info.isFile()) {
    throw new ToolFailure(
      "sandbox_violation",
      `${rel}: is a ${specialKind(info)}; file tools read and write regular files only`,
    );
  }
  if (info.nlink > 1) {
    throw new ToolFailure(
      "sandbox_violation",
      `${rel}: has ${info.nlink} hard links; file tools refuse hard-linked files (another name for it may lie outside the workspace)`,
    );
  }
}

/**
 * Opens the existing regular file `target` of `workspace`, checked before and after the open
 * so a swap in between is caught: it is `stat`ed and checked ({@link checkRegularFile}) first,
 * so a FIFO or device is never opened; then its real path is confined again and opened with
 * `O_NOFOLLOW | O_NONBLOCK`, and the open descriptor must be that same file (`fstat`: device
 * and inode) and pass the check again. The caller closes the handle.
 *
 * @example
 * const { handle, info } = await openRegularFile(ctx.workspace, target, "read");
 * try { … } finally { await handle.close(); }
 */
export async function openRegularFile(
  workspace: Workspace,
  target: ConfinedPath,
  access: keyof typeof ACCESS_FLAGS,
): Promise<OpenedFile> {
  const before = await stat(target.abs).catch((err: unknown) => {
    throw fsFailure(err, target.rel);
  });
  checkRegularFile(before, target.rel);
  const real = await realpath(target.abs).catch((err: unknown) => {
    throw fsFailure(err, target.rel);
  });
  if (!isInside(workspace.root, real)) {
    throw new ToolFailure(
      "sandbox_violation",
      `${target.rel}: a symbolic link leads outside the workspace`,
    );
  }
  const handle = await open(real, ACCESS_FLAGS[access] | SAFE_FLAGS).catch((err: unknown) => {
    throw fsFailure(err, target.rel);
  });
  try {
    const info = await handle.stat();
    if (info.dev !== before.dev || info.ino !== before.ino) {
      throw new ToolFailure(
        "sandbox_violation",
        `${target.rel}: changed while it was being opened`,
      );
    }
    checkRegularFile(info, target.rel);
    return { handle, info };
  } catch (err) {
    await handle.close();
    throw fsFailure(err, target.rel);
  }
}

/**
 * Creates (or opens, when it appeared meanwhile) the file at `target` for writing, without
 * blocking on a FIFO, and checks the open descriptor like {@link openRegularFile}. Nothing is
 * truncated: the caller truncates once the checks passed.
 *
 * @example
 * const { handle } = await createRegularFile(target);
 */
export async function createRegularFile(target: ConfinedPath): Promise<OpenedFile> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NONBLOCK;
  const handle = await open(target.abs, flags, 0o644).catch((err: unknown) => {
    throw fsFailure(err, target.rel);
  });
  try {
    const info = await handle.stat();
    checkRegularFile(info, target.rel);
    return { handle, info };
  } catch (err) {
    await handle.close();
    throw fsFailure(err, target.rel);
  }
}

/**
 * Reads a whole open file, at most `limit` bytes from its start.
 *
 * @example
 * const bytes = await readFromStart(handle, info.size);
 */
export async function readFromStart(handle: FileHandle, limit: number): Promise<Buffer> {
  const buffer = Buffer.alloc(limit);
  let filled = 0;
  while (filled < limit) {
    const { bytesRead } = await handle.read(buffer, filled, limit - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/**
 * Replaces an open file's whole content with `text`.
 *
 * @example
 * await overwrite(handle, "new content");
 */
export async function overwrite(handle: FileHandle, text: string): Promise<void> {
  await handle.truncate(0);
  const bytes = Buffer.from(text);
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, written);
    written += bytesWritten;
  }
}

function specialKind(info: Stats): string {
  if (info.isFIFO()) return "FIFO";
  if (info.isSocket()) return "socket";
  if (info.isCharacterDevice()) return "character device";
  if (info.isBlockDevice()) return "block device";
  if (info.isSymbolicLink()) return "symbolic link";
  return "special file";
}
