import { z } from "zod";
import type { ToolDefinition } from "../reasoner/types.js";

/**
 * A model-facing tool definition whose JSON schema (draft-7, no `$schema`) is derived from the
 * same zod schema that validates the model's arguments, so the two cannot drift. `io: "input"`
 * describes what the model may send (fields with defaults optional) where the schema
 * transforms its input.
 *
 * @example
 * modelToolDefinition("read_file", "Reads a file.", z.object({ path: z.string() }));
 * // { name: "read_file", description: "Reads a file.", input_schema: { type: "object", … } }
 */
export function modelToolDefinition(
  name: string,
  description: string,
  args: z.ZodType,
  { io = "output" }: { io?: "input" | "output" } = {},
): ToolDefinition {
  const schema = z.toJSONSchema(args, { target: "draft-7", io }) as Record<string, unknown>;
  delete schema.$schema;
  return { name, description, input_schema: schema as ToolDefinition["input_schema"] };
}
