import type { z } from "zod";
import {
  SANDBOX_TOOLS,
  type SandboxToolName,
  type ToolResult,
} from "../../../src/protocol/sandbox.js";
import { TOOL_ARGS } from "../../../src/protocol/tool-args.js";
import { deleteFileTool } from "./delete-file.js";
import { editFileTool } from "./edit-file.js";
import { findFilesTool } from "./find-files.js";
import { listFilesTool } from "./list-files.js";
import { readFileTool } from "./read-file.js";
import { runCommandTool } from "./run-command.js";
import { searchCodeTool } from "./search-code.js";
import { statFileTool } from "./stat-file.js";
import type { FilesChanged, ToolContext, ToolReply } from "./tool-context.js";
import { errnoCode, ToolFailure } from "./tool-failure.js";
import { writeFileTool } from "./write-file.js";

/** A tool call's outcome: the `ToolResult` and the files it changed. */
export interface ToolOutcome {
  result: ToolResult;
  files_changed: FilesChanged;
}

type ToolHandler = (ctx: ToolContext, raw: unknown) => Promise<ToolReply>;

/** Binds a handler to its argument schema: the handler only ever sees validated arguments. */
function handler<S extends z.ZodType>(
  schema: S,
  run: (ctx: ToolContext, args: z.infer<S>) => Promise<ToolReply>,
): ToolHandler {
  return (ctx, raw) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join(".") : "args";
      throw new ToolFailure("invalid_arguments", `${field}: ${issue?.message ?? "invalid"}`);
    }
    return run(ctx, parsed.data);
  };
}

const HANDLERS: Record<SandboxToolName, ToolHandler> = {
  read_file: handler(TOOL_ARGS.read_file, readFileTool),
  write_file: handler(TOOL_ARGS.write_file, writeFileTool),
  edit_file: handler(TOOL_ARGS.edit_file, editFileTool),
  delete_file: handler(TOOL_ARGS.delete_file, deleteFileTool),
  list_files: handler(TOOL_ARGS.list_files, listFilesTool),
  stat_file: handler(TOOL_ARGS.stat_file, statFileTool),
  find_files: handler(TOOL_ARGS.find_files, findFilesTool),
  search_code: handler(TOOL_ARGS.search_code, searchCodeTool),
  run_command: handler(TOOL_ARGS.run_command, runCommandTool),
};

/**
 * Runs one tool call and always returns an outcome, never throws: an unknown tool
 * (`send_message` and `spawn_agent` included — the Worker runs those) is `unknown_tool`,
 * arguments that fail the tool's schema are `invalid_arguments` naming the field, and a
 * {@link ToolFailure} becomes `ok: false` with its code in `metadata.error_code`.
 *
 * @example
 * const { result } = await runTool(ctx, "read_file", { path: "README.md" });
 */
export async function runTool(ctx: ToolContext, tool: string, args: unknown): Promise<ToolOutcome> {
  const name = SANDBOX_TOOLS.find((known) => known === tool);
  let reply: ToolReply;
  try {
    if (name === undefined) {
      throw new ToolFailure(
        "unknown_tool",
        `${tool}: not a sandbox tool (${SANDBOX_TOOLS.join(", ")})`,
      );
    }
    reply = await HANDLERS[name](ctx, args);
  } catch (err) {
    const failure = err instanceof ToolFailure ? err : unexpected(tool, err);
    reply = { stdout: "", stderr: failure.message, errorCode: failure.code };
  }
  return toOutcome(tool, reply);
}

/** A bug or an unforeseen system error: logged here, reported without host paths. */
function unexpected(tool: string, err: unknown): ToolFailure {
  console.error(`sandbox: ${tool} failed unexpectedly`, err);
  const code = errnoCode(err);
  return new ToolFailure("io_error", `${tool} failed unexpectedly${code ? ` (${code})` : ""}`);
}

function toOutcome(tool: string, reply: ToolReply): ToolOutcome {
  const metadata: Record<string, unknown> = { ...reply.metadata };
  if (reply.errorCode !== undefined) metadata.error_code = reply.errorCode;
  const result: ToolResult = {
    tool,
    ok: reply.errorCode === undefined,
    stdout: reply.stdout,
    stderr: reply.stderr ?? "",
    metadata,
  };
  if (reply.exitCode !== undefined) result.exit_code = reply.exitCode;
  return {
    result,
    files_changed: {
      created: reply.changed?.created ?? [],
      modified: reply.changed?.modified ?? [],
      deleted: reply.changed?.deleted ?? [],
    },
  };
}
