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
 * | `POST …/git` | {@link GitRequest} | {@link GitResponse} |
 * | `GET …/terminal` (WebSocket) | {@link TerminalClientFrame} | {@link TerminalServerFrame} |
 *
 * A refused request gets a {@link SandboxErrorBody} with a {@link SandboxErrorCode} and the
 * status {@link SANDBOX_ERROR_STATUS} gives it. An outcome the sandbox cannot confirm is a
 * {@link ToolResult} with {@link OutcomeUnknownMetadata} (see {@link outcomeUnknownResult}).
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

/**
 * The metadata of a call whose outcome nobody can confirm: it may or may not have run, and it
 * is never run blindly again (SPEC §2, invariant 6). The sandbox writes it for a dispatch cut
 * off by a restart; the Durable Object for a sandbox (or project object) that never answered.
 * This is the sandbox's wire shape, which its stored outcomes on disk and every deployed
 * sandbox image already carry, so neither a stored outcome nor an older container needs a
 * translation.
 */
export const OutcomeUnknownMetadata = z.object({
  error_code: z.literal("io_error"),
  outcome_unknown: z.literal(true),
});
export type OutcomeUnknownMetadata = z.infer<typeof OutcomeUnknownMetadata>;

/**
 * The shape the Durable Object wrote before {@link OutcomeUnknownMetadata} was the one shape.
 * Records are append-only and hash-chained, so entries holding it stay as they are; it is
 * recognised, never written.
 */
export const LegacyOutcomeUnknownMetadata = z.object({
  error_code: z.literal("io_error"),
  outcome: z.literal("outcome_unknown"),
});

/**
 * The failed {@link ToolResult} of a call of `tool` whose outcome is unknown; `stderr` says why.
 *
 * @example
 * outcomeUnknownResult("run_command", "the sandbox did not answer");
 * // { tool: "run_command", ok: false, stdout: "", stderr: "the sandbox did not answer",
 * //   metadata: { error_code: "io_error", outcome_unknown: true } }
 */
export function outcomeUnknownResult(tool: string, why: string): ToolResult {
  const metadata: OutcomeUnknownMetadata = { error_code: "io_error", outcome_unknown: true };
  return { tool, ok: false, stdout: "", stderr: why, metadata };
}

/**
 * True when `result` says its call's outcome is unknown: {@link OutcomeUnknownMetadata}, or the
 * {@link LegacyOutcomeUnknownMetadata} of older records.
 *
 * @example
 * isOutcomeUnknown(outcomeUnknownResult("write_file", "no answer")); // true
 * isOutcomeUnknown({ ok: false, metadata: { error_code: "io_error" } }); // false
 */
export function isOutcomeUnknown(result: Pick<ToolResult, "ok" | "metadata">): boolean {
  if (result.ok) return false;
  return (
    OutcomeUnknownMetadata.safeParse(result.metadata).success ||
    LegacyOutcomeUnknownMetadata.safeParse(result.metadata).success
  );
}

/** `POST …/dispatch` reply (always 200 once authorised: a failed tool is a result). */
export const DispatchResponse = z.object({
  result: ToolResult,
  files_changed: FilesChangedWire,
  /** True when this is the stored outcome of an earlier dispatch with the same `action_id`. */
  replayed: z.boolean(),
});
export type DispatchResponse = z.infer<typeof DispatchResponse>;

/**
 * Why the sandbox refused a request before any tool ran (a tool that runs and fails is a
 * {@link ToolResult}, not an HTTP error). Stable: the Worker decodes them into typed errors.
 */
export const SANDBOX_ERROR_CODES = [
  "invalid_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "payload_too_large",
  "internal",
] as const;
export const SandboxErrorCode = z.enum(SANDBOX_ERROR_CODES);
export type SandboxErrorCode = z.infer<typeof SandboxErrorCode>;

/** HTTP status of each {@link SandboxErrorCode}; the compiler keeps it complete. */
export const SANDBOX_ERROR_STATUS: Record<SandboxErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  internal: 500,
};

/**
 * The body of every sandbox error answer.
 *
 * @example
 * SandboxErrorBody.parse({ error: { code: "unauthorized", message: "invalid sandbox token: expired" } });
 */
export const SandboxErrorBody = z.object({
  error: z.object({ code: SandboxErrorCode, message: z.string() }),
});
export type SandboxErrorBody = z.infer<typeof SandboxErrorBody>;

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

/**
 * A git remote a workspace may be cloned from: `https://` or `http://` only (no `file://`,
 * `ext::` or ssh: the clone must not read the sandbox's own disk or run a helper). It is
 * fetched inside the OS sandbox, with the network the sandbox's commands have.
 */
export const GitRemoteUrl = z
  .string()
  .max(2000)
  .url()
  .refine((url) => /^https?:\/\//i.test(url), "must be an http(s):// URL");

/** A branch name git accepts and a shell word cannot abuse. */
export const GitBranch = z
  .string()
  .regex(
    /^[A-Za-z0-9._][A-Za-z0-9._/-]{0,199}$/,
    "must be 1-200 of [A-Za-z0-9._/-], not starting with - or /",
  );

/**
 * `POST …/git`: the dev loop's two git operations, run inside the OS sandbox like a command.
 * - `clone`: makes the workspace a checkout of `url` (its `branch`, else the remote's default
 *   branch); a workspace already cloned from `url` is left as it is (`existing`).
 * - `commit`: commits everything in the workspace with `message` (empty commits allowed);
 *   when a commit whose subject starts with `marker` exists already, that one is answered
 *   (`existing`), so a repeated call commits once.
 */
export const GitRequest = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("clone"), url: GitRemoteUrl, branch: GitBranch.optional() }),
  z.strictObject({
    op: z.literal("commit"),
    message: z.string().min(1).max(4000),
    marker: z.string().regex(/^[A-Za-z0-9():_ .-]{1,200}$/),
  }),
]);
export type GitRequest = z.infer<typeof GitRequest>;

/** `POST …/git` reply: the resulting `HEAD`, or why it failed (git's own words). */
export const GitResponse = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    sha: z
      .string()
      .regex(/^[0-9a-f]{40,64}$/)
      .nullable(),
    existing: z.boolean(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type GitResponse = z.infer<typeof GitResponse>;

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
