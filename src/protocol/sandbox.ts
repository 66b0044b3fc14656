import { z } from "zod";

/**
 * The wire contract between the Worker and the sandbox (SPEC §9): the one module both sides
 * import. Every route but `/health` lives under `/v1/workspaces/:workspace/` and needs
 * `Authorization: Bearer <token>`, a short-lived HS256 JWT the Worker signs with
 * `SANDBOX_TOKEN_SECRET` whose `sub` is that workspace (see {@link SANDBOX_TOKEN_AUDIENCE}).
 *
 * | method, path | body / query | reply |
 * |---|---|---|
 * | `GET /health` | — | `{status:"ok"}` |
 * | `POST …/dispatch` | {@link DispatchRequest} | {@link DispatchResponse} |
 * | `GET …/files?path=.&depth=3` | — | {@link FilesResponse} |
 * | `GET …/read-file?path=` | — | {@link ReadFileResponse} |
 * | `GET …/commits?limit=100` | — | {@link CommitsResponse} |
 * | `GET …/terminal` (WebSocket) | {@link TerminalClientFrame} | {@link TerminalServerFrame} |
 *
 * A refused request gets `{"error":{"code","message"}}` with 401 (`unauthorized`: no, bad or
 * expired token), 403 (`forbidden`: a token for another workspace) or 400 (`invalid_request`).
 */

/** A workspace id: 64 lowercase hex chars, derived by the Worker from (org, agent). */
export const WorkspaceId = z.string().regex(/^[0-9a-f]{64}$/, "workspace must be 64 lowercase hex");

/** `aud` of every sandbox token. */
export const SANDBOX_TOKEN_AUDIENCE = "aura-sandbox";
/** `iss` of every sandbox token. */
export const SANDBOX_TOKEN_ISSUER = "aura-worker";
/** Lifetime of a sandbox token the Worker signs. */
export const SANDBOX_TOKEN_TTL_SECONDS = 60;

/** The built-in tools the sandbox runs. */
export const SANDBOX_TOOLS = [
  "read_file",
  "write_file",
  "edit_file",
  "delete_file",
  "list_files",
  "stat_file",
  "find_files",
  "search_code",
  "run_command",
] as const;
export const SandboxToolName = z.enum(SANDBOX_TOOLS);
export type SandboxToolName = z.infer<typeof SandboxToolName>;

/** Tool error codes (the reference's). */
export const ToolErrorCode = z.enum([
  "unknown_tool",
  "tool_disabled",
  "sandbox_violation",
  "path_not_found",
  "io_error",
  "invalid_arguments",
  "command_not_allowed",
  "tool_timeout",
  "command_failed",
  "size_limit_exceeded",
]);
export type ToolErrorCode = z.infer<typeof ToolErrorCode>;

/** An idempotency key: the action id of the dispatch. */
export const ActionId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, "action_id: 1-128 of [A-Za-z0-9_.:-]");

/** `POST …/dispatch` body: run one tool once; a repeat of `action_id` returns the first outcome. */
export const DispatchRequest = z.strictObject({
  action_id: ActionId,
  tool: z.string().min(1).max(128),
  args: z.record(z.string(), z.unknown()),
});
export type DispatchRequest = z.infer<typeof DispatchRequest>;

/** Paths (workspace-relative, `/`-separated) a tool call changed. */
export const FilesChangedWire = z.object({
  created: z.array(z.string()),
  modified: z.array(z.string()),
  deleted: z.array(z.string()),
});

/**
 * SPEC §3 `ToolResult`. `stdout` is what the tool produced for the model; on failure `ok` is
 * false, `stderr` says why and `metadata.error_code` is a {@link ToolErrorCode}.
 */
export const ToolResult = z.object({
  tool: z.string(),
  ok: z.boolean(),
  exit_code: z.number().int().optional(),
  stdout: z.string(),
  stderr: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});
export type ToolResult = z.infer<typeof ToolResult>;

/** `POST …/dispatch` reply (always 200 once authorised: a failed tool is a result). */
export const DispatchResponse = z.object({
  result: ToolResult,
  files_changed: FilesChangedWire,
  /** True when this is the stored outcome of an earlier dispatch with the same `action_id`. */
  replayed: z.boolean(),
});
export type DispatchResponse = z.infer<typeof DispatchResponse>;

/** One node of the files tree. */
export interface FileEntry {
  name: string;
  path: string;
  is_dir: boolean;
  children?: FileEntry[];
}
export const FileEntry: z.ZodType<FileEntry> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: z.string(),
    is_dir: z.boolean(),
    children: z.array(FileEntry).optional(),
  }),
);

/** `GET …/files` reply; depth is clamped to 0..20, dot-files and build/vendor dirs skipped. */
export const FilesResponse = z.union([
  z.object({ ok: z.literal(true), entries: z.array(FileEntry) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type FilesResponse = z.infer<typeof FilesResponse>;

/** `GET …/read-file` reply. */
export const ReadFileResponse = z.union([
  z.object({ ok: z.literal(true), content: z.string(), path: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type ReadFileResponse = z.infer<typeof ReadFileResponse>;

/**
 * `GET …/commits` reply: the workspace's `git log` from `HEAD`, newest first (`time` is the
 * committer time in ms); `[]` when the workspace is not a git repository or has no commit.
 */
export const CommitsResponse = z.array(
  z.object({
    sha: z.string().regex(/^[0-9a-f]{40,64}$/),
    message: z.string(),
    time: z.number().int(),
  }),
);
export type CommitsResponse = z.infer<typeof CommitsResponse>;

/** Terminal frames from the client; `data` is base64. */
export const TerminalClientFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("spawn"),
    cols: z.number().int().min(1).max(1000),
    rows: z.number().int().min(1).max(1000),
  }),
  z.object({ type: z.literal("input"), data: z.string() }),
  z.object({
    type: z.literal("resize"),
    cols: z.number().int().min(1).max(1000),
    rows: z.number().int().min(1).max(1000),
  }),
]);
export type TerminalClientFrame = z.infer<typeof TerminalClientFrame>;

/** Terminal frames from the sandbox; `data` is base64. */
export const TerminalServerFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("spawned"), pid: z.number().int() }),
  z.object({ type: z.literal("output"), data: z.string() }),
  z.object({ type: z.literal("exit"), code: z.number().int().nullable() }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type TerminalServerFrame = z.infer<typeof TerminalServerFrame>;
