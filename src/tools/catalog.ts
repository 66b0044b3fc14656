import { type BuiltinToolName, TOOL_ARGS } from "../protocol/tool-args.js";
import type { ToolDefinition } from "../reasoner/types.js";
import { modelToolDefinition } from "./model-tool-definition.js";

/** What the model is told each built-in tool does (the reference's wording, tightened). */
const DESCRIPTIONS: Record<BuiltinToolName, string> = {
  read_file:
    "Read a text file of the workspace (at most 5 MB). With start_line/end_line, returns those lines numbered as `%6d|line`.",
  write_file:
    "Write a file with the given content, creating parent directories. Refuses to shrink an existing file below 10% of its size.",
  edit_file:
    "Replace old_text with new_text in a file: exact match first, then a whitespace-tolerant line match. Several matches need replace_all.",
  delete_file: "Delete a file (not a directory).",
  list_files:
    "List a directory, directories first, sorted; skips .git, node_modules, target and __pycache__.",
  stat_file: "Size of a path and whether it is a file, a directory, read-only.",
  find_files: "Find files whose path matches a glob pattern (at most 200 results).",
  search_code:
    "Search text files for a regular expression; results as path:line:text, with optional context lines.",
  run_command:
    "Run a shell command (sh -c) in the workspace. Default timeout 60 s, at most 300 s; output is capped.",
  send_message:
    "Send a message to another agent of your organisation; it answers asynchronously, as a message to you.",
  spawn_agent:
    "Create a child agent and give it a task; its final answer comes back to you later as a message.",
};

/** The built-in tools, in the order they are offered. */
export const BUILTIN_TOOLS = Object.keys(TOOL_ARGS) as BuiltinToolName[];

/** Tools that only read (policy default `always_allow` in every profile). */
export const READ_ONLY_TOOLS: ReadonlySet<string> = new Set([
  "read_file",
  "list_files",
  "stat_file",
  "find_files",
  "search_code",
]);

/** Tools that run in the sandbox; the rest (`send_message`, `spawn_agent`) run in the Worker. */
export const SANDBOX_TOOL_NAMES: ReadonlySet<string> = new Set([
  ...READ_ONLY_TOOLS,
  "write_file",
  "edit_file",
  "delete_file",
  "run_command",
]);

const definitions = new Map<BuiltinToolName, ToolDefinition>();

/**
 * The model-facing definition of a built-in tool, its JSON schema derived from the same zod
 * schema that validates the model's arguments (computed once per tool).
 *
 * @example
 * toolDefinition("read_file").input_schema.required; // ["path"]
 */
export function toolDefinition(name: BuiltinToolName): ToolDefinition {
  let definition = definitions.get(name);
  if (!definition) {
    definition = modelToolDefinition(name, DESCRIPTIONS[name], TOOL_ARGS[name]);
    definitions.set(name, definition);
  }
  return definition;
}

/** The definitions of every built-in tool, in catalog order. */
export function builtinToolDefinitions(): ToolDefinition[] {
  return BUILTIN_TOOLS.map(toolDefinition);
}
