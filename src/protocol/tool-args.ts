import { z } from "zod";

/**
 * Arguments of every built-in tool (SPEC §9, the reference's names and parameters). These
 * schemas are the single source: the Worker validates the model's `tool_use` input with them
 * before anything is dispatched, the sandbox validates each dispatch with them again, and the
 * catalog derives the model-facing JSON schemas from them.
 */

const path = z.string().min(1).max(4096).describe("Path relative to the workspace root");
const lineNumber = z.number().int().min(1);

export const ReadFileArgs = z.strictObject({
  path,
  start_line: lineNumber.optional().describe("First line to return (1-based)"),
  end_line: lineNumber.optional().describe("Last line to return (inclusive)"),
  max_bytes: z.number().int().min(1).max(5_000_000).optional().describe("Most bytes to read"),
});

export const WriteFileArgs = z.strictObject({
  path,
  content: z.string().describe("The whole new content of the file"),
});

export const EditFileArgs = z.strictObject({
  path,
  old_text: z.string().min(1).describe("Text to replace (exact, or whitespace-tolerant by line)"),
  new_text: z.string().describe("Replacement text"),
  replace_all: z.boolean().optional().describe("Replace every match instead of exactly one"),
});

export const DeleteFileArgs = z.strictObject({ path });

export const ListFilesArgs = z.strictObject({
  path: path.optional(),
});

export const StatFileArgs = z.strictObject({ path });

export const FindFilesArgs = z.strictObject({
  pattern: z.string().min(1).max(1024).describe("Glob pattern, e.g. src/**/*.ts"),
  path: path.optional(),
});

export const SearchCodeArgs = z.strictObject({
  pattern: z.string().min(1).max(1024).describe("Regular expression"),
  path: path.optional(),
  include: z.string().min(1).max(1024).optional().describe("Glob of files to search"),
  max_results: z.number().int().min(1).max(1000).optional(),
  context_lines: z.number().int().min(0).max(20).optional(),
});

export const RunCommandArgs = z.strictObject({
  command: z.string().min(1).max(100_000).describe("Shell command, run with sh -c"),
  working_dir: path.optional(),
  timeout_secs: z.number().int().min(1).max(300).optional().describe("Default 60, at most 300"),
});

export const SendMessageArgs = z.strictObject({
  agent_id: z.string().regex(/^[0-9a-f]{64}$/, "agent_id must be 64 lowercase hex"),
  content: z.string().min(1).max(1_000_000),
});

export const SpawnAgentArgs = z.strictObject({
  task: z.string().min(1).max(1_000_000),
  system_prompt: z.string().max(100_000).optional(),
});

/** Every built-in tool's argument schema, by name. */
export const TOOL_ARGS = {
  read_file: ReadFileArgs,
  write_file: WriteFileArgs,
  edit_file: EditFileArgs,
  delete_file: DeleteFileArgs,
  list_files: ListFilesArgs,
  stat_file: StatFileArgs,
  find_files: FindFilesArgs,
  search_code: SearchCodeArgs,
  run_command: RunCommandArgs,
  send_message: SendMessageArgs,
  spawn_agent: SpawnAgentArgs,
} as const;

export type BuiltinToolName = keyof typeof TOOL_ARGS;
export type ToolArgs<T extends BuiltinToolName> = z.infer<(typeof TOOL_ARGS)[T]>;

/** True when `name` is a built-in tool. */
export function isBuiltinTool(name: string): name is BuiltinToolName {
  return Object.hasOwn(TOOL_ARGS, name);
}
