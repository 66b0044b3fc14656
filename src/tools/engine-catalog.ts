import { z } from "zod";
import type { ToolDefinition } from "../reasoner/types.js";
import { modelToolDefinition } from "./model-tool-definition.js";
import type { ArgsCheck } from "./validate-args.js";

/** Arguments of the engine tools a `task-run` turn is offered (SPEC §10). */
export const ENGINE_TOOL_ARGS = {
  get_task_context: z.strictObject({}),
  submit_plan: z.strictObject({ plan: z.string().min(1).max(20_000) }),
  task_done: z.strictObject({
    summary: z.string().min(1).max(20_000),
    no_changes_needed: z.boolean().optional(),
  }),
} as const;

/** The name of an engine tool. */
export type EngineToolName = keyof typeof ENGINE_TOOL_ARGS;

const DESCRIPTIONS: Record<EngineToolName, string> = {
  get_task_context:
    "Read your task, its spec, and the status and notes of the tasks it depends on.",
  submit_plan:
    "Record your plan for the task (it starts the task). File writes and commands are refused until a plan is recorded.",
  task_done:
    "Finish the task with a summary of the change. Refused when no file changed (unless no_changes_needed: true) or the change still has stubs (TODO, unimplemented, empty bodies).",
};

/**
 * True for `get_task_context`, `submit_plan` and `task_done`.
 *
 * @example
 * isEngineTool("submit_plan"); // true
 */
export function isEngineTool(name: string): name is EngineToolName {
  return Object.hasOwn(ENGINE_TOOL_ARGS, name);
}

/**
 * The model-facing definitions of the engine tools, their schemas derived from the zod ones.
 *
 * @example
 * engineToolDefinitions().map((d) => d.name); // ["get_task_context", "submit_plan", "task_done"]
 */
export function engineToolDefinitions(): ToolDefinition[] {
  return (Object.keys(ENGINE_TOOL_ARGS) as EngineToolName[]).map((name) =>
    modelToolDefinition(name, DESCRIPTIONS[name], ENGINE_TOOL_ARGS[name]),
  );
}

/**
 * Validates an engine tool's arguments; the message names the first offending field.
 *
 * @example
 * validateEngineArgs("submit_plan", {}); // { ok: false, code: "invalid_arguments", … }
 */
export function validateEngineArgs(tool: EngineToolName, input: unknown): ArgsCheck {
  const parsed = ENGINE_TOOL_ARGS[tool].safeParse(input ?? {});
  if (parsed.success) return { ok: true, args: parsed.data as Record<string, unknown> };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "arguments";
  return { ok: false, code: "invalid_arguments", message: `${field}: ${issue?.message ?? ""}` };
}
