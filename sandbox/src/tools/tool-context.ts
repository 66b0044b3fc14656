import type { z } from "zod";
import type { FilesChangedWire, ToolErrorCode } from "../../../src/protocol/sandbox.js";
import type { CommandStarter } from "../isolation/command-starter.js";
import type { Isolation } from "../isolation/isolation.js";
import type { ProcessGroups } from "../process/process-groups.js";
import type { Workspace } from "../workspace/confine.js";

/** Workspace-relative paths a tool call changed. */
export type FilesChanged = z.infer<typeof FilesChangedWire>;

/** What every tool runs with. */
export interface ToolContext {
  workspace: Workspace;
  /** First words `run_command` may start with; `undefined` allows any command. */
  allowedCommands: ReadonlySet<string> | undefined;
  /** Where `run_command` records the process groups it starts. */
  processes: ProcessGroups;
  /** Milliseconds a `search_code` call may run before it ends `tool_timeout` (default 10 s). */
  searchDeadlineMs?: number;
  /** How `run_command` and the terminal are confined (decided once at startup). */
  isolation: Isolation;
  /** Starts `run_command`'s shells under that isolation. */
  commands: CommandStarter;
}

/**
 * What a tool produced. A tool that cannot run throws a `ToolFailure`; a tool that ran but
 * failed (a nonzero exit, a timeout) returns `errorCode`.
 */
export interface ToolReply {
  stdout: string;
  stderr?: string;
  exitCode?: number;
  errorCode?: ToolErrorCode;
  metadata?: Record<string, unknown>;
  changed?: Partial<FilesChanged>;
}

/** Files larger than this are refused by `read_file` and skipped by `search_code` (5 MB). */
export const MAX_TEXT_FILE_BYTES = 5_000_000;

/** Directory names `list_files`, `find_files` and `search_code` never descend into. */
export const TOOL_SKIP_DIRS: ReadonlySet<string> = new Set([
  ".git",
  "node_modules",
  "target",
  "__pycache__",
]);
