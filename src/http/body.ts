import type { Context } from "hono";
import type { z } from "zod";
import { AuraError } from "../core/errors.js";

/**
 * Reads a JSON body of at most `maxBytes` and validates it. Failures are `invalid_request`
 * naming the offending field, or `payload_too_large`.
 */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes: number,
): Promise<z.infer<S>> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes)
    throw new AuraError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
  const text = await c.req.text();
  if (text.length > maxBytes)
    throw new AuraError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
  let raw: unknown;
  try {
    raw = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new AuraError("invalid_request", "request body is not valid JSON");
  }
  return validate(schema, raw, "body");
}

/** Validates a value; a failure names the first bad field. */
export function validate<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join(".") : where;
    throw new AuraError("invalid_request", `${field}: ${issue?.message ?? "invalid"}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}
