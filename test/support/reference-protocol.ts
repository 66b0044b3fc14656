import { z } from "zod";

/**
 * A zod mirror of the reference's `/stream` wire types, for tests that play a client built on
 * them: crate `aura-protocol` of the Rust workspace `aura-harness` (`cypher-asi/aura-harness`),
 * `crates/aura-protocol/src/lib.rs` and its ts-rs bindings (`bindings/*.ts`) at commit
 * d179c376f1c20db49e88fa0b263268717c3ade19 ("phase 0: baseline snapshot and contract tests",
 * 2026-03-30) — the last one before the protocol grew beyond SPEC §6 ("Reference messages":
 * its `session_init` fields are these, with `project_path` and the `aura_*` billing ids; its
 * usage has no cache counters yet).
 *
 * Read the way serde reads them: `type` tags the frame and an unknown `type` fails (an
 * `OutboundMessage` parse of a `record` frame fails, as it would in the reference's client);
 * fields the type does not name are ignored (no `deny_unknown_fields`), so our extra
 * `session_ready.agent_id` is dropped, as the reference's client drops it; an `Option` field
 * may be missing or `null`. ts-rs writes the `u64` token counts as `bigint`: on the wire they
 * are JSON numbers. `ErrorMsg.code` and `stop_reason` are plain strings in the reference; the
 * codes and reasons its server sends are listed apart ({@link REFERENCE_ERROR_CODES},
 * {@link REFERENCE_STOP_REASONS}).
 *
 * Not imported by the product: this is the other side of the wire.
 */

/** A Rust `Option<T>` as serde reads it: missing or `null` is `None`. */
const option = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

// ---------------------------------------------------------------------------------------
// Inbound (client → server). A client built on the bindings sends every field of these
// types, `null` for the ones it does not set (the ts-rs types make each key required).
// ---------------------------------------------------------------------------------------

/** `ToolAuth`: how the server authenticates to an installed tool. */
export const ToolAuth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("bearer"), token: z.string() }),
  z.object({ type: z.literal("api_key"), header: z.string(), key: z.string() }),
  z.object({ type: z.literal("headers"), headers: z.record(z.string(), z.string()) }),
]);

/** `InstalledTool`. */
export const InstalledTool = z.object({
  name: z.string(),
  description: z.string(),
  input_schema: z.json(),
  endpoint: z.string(),
  auth: ToolAuth,
  timeout_ms: z.number().int().nonnegative().nullable(),
  namespace: z.string().nullable(),
  metadata: z.record(z.string(), z.json()),
});

/** `ConversationMessage`: any role; the reference's server keeps `user` and `assistant`. */
export const ConversationMessage = z.object({ role: z.string(), content: z.string() });

/** `SessionInit`. */
export const SessionInit = z.object({
  system_prompt: z.string().nullable(),
  model: z.string().nullable(),
  max_tokens: z.number().int().nonnegative().nullable(),
  temperature: z.number().nullable(),
  max_turns: z.number().int().nonnegative().nullable(),
  installed_tools: z.array(InstalledTool).nullable(),
  workspace: z.string().nullable(),
  /** An absolute path to the project's directory on the host. */
  project_path: z.string().nullable(),
  token: z.string().nullable(),
  project_id: z.string().nullable(),
  conversation_messages: z.array(ConversationMessage).nullable(),
  /** The project-agent UUID for the `X-Aura-Agent-Id` billing header. */
  aura_agent_id: z.string().nullable(),
  aura_session_id: z.string().nullable(),
  aura_org_id: z.string().nullable(),
});
export type SessionInit = z.infer<typeof SessionInit>;

/** `UserMessage`. */
export const UserMessage = z.object({
  content: z.string(),
  tool_hints: z.array(z.string()).nullable(),
});

/** `ApprovalResponse`. */
export const ApprovalResponse = z.object({ tool_use_id: z.string(), approved: z.boolean() });

/** `InboundMessage`: every frame a reference client sends. */
export const InboundMessage = z.discriminatedUnion("type", [
  SessionInit.extend({ type: z.literal("session_init") }),
  UserMessage.extend({ type: z.literal("user_message") }),
  z.object({ type: z.literal("cancel") }),
  ApprovalResponse.extend({ type: z.literal("approval_response") }),
]);
export type InboundMessage = z.infer<typeof InboundMessage>;

// ---------------------------------------------------------------------------------------
// Outbound (server → client).
// ---------------------------------------------------------------------------------------

/** `u64` token counts. */
const U64 = z.number().int().nonnegative();

/** `ToolInfo`. */
export const ToolInfo = z.object({ name: z.string(), description: z.string() });

/** `SessionUsage`. */
export const SessionUsage = z.object({
  input_tokens: U64,
  output_tokens: U64,
  cumulative_input_tokens: U64,
  cumulative_output_tokens: U64,
  context_utilization: z.number(),
  model: z.string(),
  provider: z.string(),
});

/** `FilesChanged`. */
export const FilesChanged = z.object({
  created: z.array(z.string()),
  modified: z.array(z.string()),
  deleted: z.array(z.string()),
});

/** `OutboundMessage`: every frame a reference client understands; any other `type` fails. */
export const OutboundMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("session_ready"), session_id: z.string(), tools: z.array(ToolInfo) }),
  z.object({ type: z.literal("assistant_message_start"), message_id: z.string() }),
  z.object({ type: z.literal("text_delta"), text: z.string() }),
  z.object({ type: z.literal("thinking_delta"), thinking: z.string() }),
  z.object({ type: z.literal("tool_use_start"), id: z.string(), name: z.string() }),
  z.object({
    type: z.literal("tool_result"),
    name: z.string(),
    result: z.string(),
    is_error: z.boolean(),
    tool_use_id: option(z.string()),
  }),
  z.object({
    type: z.literal("assistant_message_end"),
    message_id: z.string(),
    stop_reason: z.string(),
    usage: SessionUsage,
    files_changed: FilesChanged,
  }),
  z.object({
    type: z.literal("error"),
    code: z.string(),
    message: z.string(),
    recoverable: z.boolean(),
  }),
]);
export type OutboundMessage = z.infer<typeof OutboundMessage>;

/** The `error` codes the reference's server sends (SPEC §6). */
export const REFERENCE_ERROR_CODES: readonly string[] = [
  "parse_error",
  "already_initialized",
  "not_initialized",
  "invalid_workspace",
  "turn_in_progress",
  "llm_error",
  "insufficient_credits",
  "stall_detected",
  "internal_error",
];

/** The `stop_reason`s the reference's server sends (SPEC §6). */
export const REFERENCE_STOP_REASONS: readonly string[] = [
  "end_turn",
  "cancelled",
  "insufficient_credits",
  "end_turn_with_errors",
  "error",
  "max_turns",
];

/**
 * A `session_init` as a client built on the bindings writes it: every field present, `null`
 * where it sets nothing, then `fields` over them.
 *
 * @example
 * JSON.stringify(sessionInit({ project_path: "/home/ann/app" }));
 */
export function sessionInit(fields: Partial<SessionInit> = {}): InboundMessage {
  const none: SessionInit = {
    system_prompt: null,
    model: null,
    max_tokens: null,
    temperature: null,
    max_turns: null,
    installed_tools: null,
    workspace: null,
    project_path: null,
    token: null,
    project_id: null,
    conversation_messages: null,
    aura_agent_id: null,
    aura_session_id: null,
    aura_org_id: null,
  };
  return InboundMessage.parse({ type: "session_init", ...none, ...fields });
}
