import { lstatSync, readlinkSync } from "node:fs";
import { findUnreadablePaths, type UnreadablePaths } from "./unreadable-paths.js";

/** Where the workspace appears inside the sandbox; `HOME` too. */
export const WORKSPACE_MOUNT = "/workspace";
/** The uid and gid commands run as inside the sandbox: not 0, and no capability. */
export const SANDBOX_UID = 1000;
/** `PATH` inside the sandbox: the system directories it sees, nothing of the host's own. */
export const SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
/** The sandbox's hostname (its own UTS namespace). */
const SANDBOX_HOSTNAME = "aura-sandbox";

/** The host directories shown read-only (or re-created as the same symlink) in the sandbox. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];
/** Directories searched for files only their owner or group may read, which are masked. */
const MASKED_TREES = ["/etc"];

/** A system directory of the host: bound read-only, or a symlink re-created as is. */
export interface SystemEntry {
  path: string;
  /** The link's target when the host's entry is a symlink (`/bin` → `usr/bin`). */
  symlink?: string;
}

/** What every sandbox shows of the host, read once at startup. */
export interface BwrapLayout {
  system: readonly SystemEntry[];
  hidden: UnreadablePaths;
}

/** One confined process. */
export interface BwrapCall {
  /** Host path of the workspace directory, bound read-write at {@link WORKSPACE_MOUNT}. */
  workspace: string;
  /** Working directory inside the sandbox (under {@link WORKSPACE_MOUNT}). */
  cwd: string;
  /** Whether the process keeps the host's network; `false` gives it a network of its own. */
  network: boolean;
  /** The program and its arguments, as seen inside the sandbox. */
  argv: readonly string[];
}

/**
 * Reads which system directories exist on this host (and which are symlinks, as on merged-/usr
 * Debian) and which files under `/etc` must be masked.
 *
 * @example
 * const layout = readHostLayout();
 * // { system: [{ path: "/usr" }, { path: "/bin", symlink: "usr/bin" }, …], hidden: { … } }
 */
export function readHostLayout(): BwrapLayout {
  const system: SystemEntry[] = [];
  for (const dir of SYSTEM_DIRS) {
    try {
      const info = lstatSync(dir);
      if (info.isSymbolicLink()) system.push({ path: dir, symlink: readlinkSync(dir) });
      else if (info.isDirectory()) system.push({ path: dir });
    } catch {
      // not on this host
    }
  }
  return { system, hidden: findUnreadablePaths(MASKED_TREES) };
}

/**
 * The bubblewrap arguments that run `call.argv` confined: new user, mount, PID, IPC, UTS and
 * cgroup namespaces (network too unless `call.network`), uid/gid {@link SANDBOX_UID} with no
 * capabilities and no nested user namespaces, the system directories read-only with every
 * owner-only file masked, a fresh `/proc`, a minimal `/dev`, an empty `/tmp`, and the workspace
 * read-write at {@link WORKSPACE_MOUNT}. `--die-with-parent` ties the sandbox to the server's
 * life; `--new-session` keeps it off any controlling terminal. When the command (PID 2 in
 * its namespace) exits, bwrap's PID 1 exits and the kernel kills everything left in the
 * namespace.
 *
 * @example
 * spawn("bwrap", bwrapArgs(layout, { workspace, cwd: "/workspace", network: true, argv: ["sh", "-c", "ls"] }));
 */
export function bwrapArgs(layout: BwrapLayout, call: BwrapCall): string[] {
  const args = ["--unshare-all"];
  if (call.network) args.push("--share-net");
  args.push(
    "--unshare-user",
    "--disable-userns",
    "--uid",
    String(SANDBOX_UID),
    "--gid",
    String(SANDBOX_UID),
    "--hostname",
    SANDBOX_HOSTNAME,
    "--die-with-parent",
    "--new-session",
  );
  for (const entry of layout.system) {
    if (entry.symlink !== undefined) args.push("--symlink", entry.symlink, entry.path);
    else args.push("--ro-bind", entry.path, entry.path);
  }
  for (const file of layout.hidden.files) args.push("--ro-bind", "/dev/null", file);
  for (const dir of layout.hidden.dirs) args.push("--tmpfs", dir, "--remount-ro", dir);
  args.push(
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/tmp",
    "--bind",
    call.workspace,
    WORKSPACE_MOUNT,
    "--chdir",
    call.cwd,
    "--",
    ...call.argv,
  );
  return args;
}
