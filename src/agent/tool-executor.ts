import type { ContentBlock } from "../reasoner/types.js";

/** A `tool_use` block of an assistant message. */
export type ToolUseBlock = Extract<ContentBlock, { type: "tool_use" }>;

/** A `tool_result` block of a user message. */
export type ToolResultBlock = Extract<ContentBlock, { type: "tool_result" }>;

/** One tool call the model asked for, as the loop hands it to a {@link ToolExecutor}. */
export interface ToolCall {
  tool_use_id: string;
  name: string;
  input: ToolUseBlock["input"];
}

/** Files a tool call created, modified or deleted (workspace-relative paths). */
export interface FilesChanged {
  created: string[];
  modified: string[];
  deleted: string[];
}

/** What a tool call produced: the text the model sees, and whether it is an error. */
export interface ToolOutcome {
  content: string;
  is_error: boolean;
  /** Files the call changed, summed into the turn's `files_changed`. */
  files_changed?: Partial<FilesChanged>;
}

/** Options of one tool call. */
export interface ToolExecutionOptions {
  signal?: AbortSignal;
}

/**
 * Runs tool calls. Adapters: the sandbox (behind policy and recording, in the Durable Object)
 * and fakes in tests. The loop calls it once per `tool_use`, in order, never concurrently; an
 * adapter reports a failed tool as an outcome with `is_error: true`, and may throw for anything
 * else — the loop turns a throw into an error result, except a {@link TurnSuspension}.
 *
 * @example
 * const echo: ToolExecutor = {
 *   async execute(call) { return { content: JSON.stringify(call.input), is_error: false }; },
 * };
 */
export interface ToolExecutor {
  execute(call: ToolCall, options: ToolExecutionOptions): Promise<ToolOutcome>;
}

/**
 * Thrown by a model or tool adapter to stop the turn where it stands, leaving it open to be
 * resumed later from the record (the agent was paused, or a tool call waits for approval).
 * The loop never turns it into a result: it propagates to whoever runs the loop.
 */
export class TurnSuspension extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The tool names the loop treats as writes for stall detection. */
export const WRITE_TOOLS: ReadonlySet<string> = new Set(["write_file", "edit_file", "delete_file"]);

/**
 * Runs one call and always returns an outcome: a tool not in `known` is answered with an
 * `unknown_tool` error without reaching the executor, and a throwing executor becomes an
 * error outcome carrying the thrown message.
 *
 * @example
 * await runToolCall(executor, call, new Set(["read_file"]), {});
 */
export async function runToolCall(
  executor: ToolExecutor,
  call: ToolCall,
  known: ReadonlySet<string>,
  options: ToolExecutionOptions,
): Promise<ToolOutcome> {
  if (!known.has(call.name)) {
    return { content: `unknown_tool: no tool named "${call.name}"`, is_error: true };
  }
  try {
    return await executor.execute(call, options);
  } catch (err) {
    if (err instanceof TurnSuspension) throw err;
    const message = err instanceof Error ? err.message : String(err);
    return { content: `tool execution failed: ${message}`, is_error: true };
  }
}

/** An error `tool_result` answering `toolUseId` with `reason`. */
export function errorResult(toolUseId: string, reason: string): ToolResultBlock {
  return { type: "tool_result", tool_use_id: toolUseId, content: reason, is_error: true };
}

/** Adds one call's changed files to the turn's totals, keeping each path once per list. */
export function addFilesChanged(total: FilesChanged, change: Partial<FilesChanged> | undefined) {
  if (change === undefined) return;
  for (const key of ["created", "modified", "deleted"] as const) {
    for (const path of change[key] ?? []) {
      if (!total[key].includes(path)) total[key].push(path);
    }
  }
}

/** True when a call changed at least one file. */
export function hasFilesChanged(files: FilesChanged): boolean {
  return files.created.length + files.modified.length + files.deleted.length > 0;
}
