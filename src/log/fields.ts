import { z } from "zod";
import { redactMessage } from "./redact.js";

/** 64 lowercase hex characters: agent ids and transaction ids. */
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A stable snake_case code from the code base (error codes, stop reasons). */
const code = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);

/** How a request or a run of a turn ended. */
export const LOG_OUTCOMES = [
  // requests
  "ok",
  "client_error",
  "server_error",
  // turns
  "completed",
  "failed",
  "cancelled",
  "suspended",
  "paused",
  "crashed",
] as const;

/**
 * Every key a log line may carry besides `ts`, `level` and `event`, each with the shape of
 * the values it takes: ids, counts, codes and route patterns — nothing that can hold a
 * payload, a prompt or a credential. `error_message` is the one text, and it is redacted
 * ({@link redactMessage}) whatever the caller passes.
 */
export const LogFields = z
  .object({
    /** The caller's org (a JWT claim, letters, digits, `.`, `_`, `-`). */
    org: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
    agent_id: hex64,
    /** A transaction's hash; for a turn, the transaction that started it. */
    tx_id: hex64,
    /** The seq of the entry that opened the turn. */
    turn_seq: count,
    /** The seq of the turn's last entry so far. */
    last_seq: count,
    /** A route pattern as registered (`/agents/:id/head`), never a requested path or query. */
    route: z.string().regex(/^\/[A-Za-z0-9_:*.{}[\]+\-/]{0,199}$/),
    /** An HTTP method: upper-case letters. */
    method: z.string().regex(/^[A-Z]{1,16}$/),
    status: z.number().int().min(100).max(599),
    duration_ms: z.number().min(0),
    outcome: z.enum(LOG_OUTCOMES),
    error_code: code,
    /** An error's class name (`TypeError`, `AuraError`). */
    error_name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
    error_message: z.string().transform(redactMessage),
    stop_reason: code,
    model_calls: count,
    tool_calls: count,
  })
  .partial();

/** The fields a caller hands a logger: only the keys of {@link LogFields}. */
export type LogFieldsInput = z.input<typeof LogFields>;

/** The fields a log line carries, once checked. */
export type LogFieldsOutput = z.output<typeof LogFields>;

/**
 * The fields of `input` a log line may carry: each key of {@link LogFields} whose value has
 * its shape; unknown keys and values of the wrong shape are dropped, one by one, so a bad
 * value never costs the line.
 *
 * @example
 * allowedFields({ org: "acme", status: 200 }); // { org: "acme", status: 200 }
 * allowedFields({ org: "acme", prompt: "hi" } as LogFieldsInput); // { org: "acme" }
 */
export function allowedFields(input: LogFieldsInput): LogFieldsOutput {
  const given = input as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(LogFields.shape) as [string, z.ZodType][]) {
    if (!Object.hasOwn(given, key) || given[key] === undefined) continue;
    const parsed = schema.safeParse(given[key]);
    if (parsed.success && parsed.data !== undefined) kept[key] = parsed.data;
  }
  return kept as LogFieldsOutput;
}
