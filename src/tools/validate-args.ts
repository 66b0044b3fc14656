import type { z } from "zod";
import { DOMAIN_TOOL_ARGS, isDomainTool } from "../protocol/domain-tool-args.js";
import { isBuiltinTool, TOOL_ARGS } from "../protocol/tool-args.js";

/** The outcome of checking a model's tool arguments. */
export type ArgsCheck =
  | { ok: true; args: Record<string, unknown> }
  | { ok: false; code: "unknown_tool" | "invalid_arguments" | "tool_disabled"; message: string };

/**
 * Validates the arguments the model gave a built-in or domain tool against its schema, before
 * anything is decided or dispatched. The message names the first offending field.
 *
 * @example
 * validateToolArgs("read_file", { path: 3 });
 * // { ok: false, code: "invalid_arguments", message: "path: Invalid input: expected string, received number" }
 */
export function validateToolArgs(tool: string, input: unknown): ArgsCheck {
  const schema = schemaOf(tool);
  if (!schema) return { ok: false, code: "unknown_tool", message: `no tool named "${tool}"` };
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, args: parsed.data as Record<string, unknown> };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "arguments";
  return {
    ok: false,
    code: "invalid_arguments",
    message: `${field}: ${issue?.message ?? "invalid"}`,
  };
}

function schemaOf(tool: string): z.ZodType | undefined {
  if (isBuiltinTool(tool)) return TOOL_ARGS[tool];
  if (isDomainTool(tool)) return DOMAIN_TOOL_ARGS[tool];
  return undefined;
}
