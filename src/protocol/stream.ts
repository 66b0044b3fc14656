import { z } from "zod";
import { AgentId, Hash } from "../core/ids.js";
import { TxType } from "../core/record.js";
import { FilesChangedWire } from "./sandbox.js";

/**
 * The `/stream` WebSocket session protocol (SPEC §6): JSON text frames tagged by `type`.
 * Field names are the reference's. Client frames follow the reference's serde rules, so a
 * reference client is understood as it is: unknown fields are ignored and `null` stands for
 * an absent optional field. Every string and array has a bound, and a whole frame is at most
 * {@link MAX_FRAME_BYTES}, so no frame can make the server hold much.
 */

/** Largest client frame accepted, in UTF-8 bytes (1 MiB). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Most tools a session may install. */
export const MAX_INSTALLED_TOOLS = 64;
/** Longest `workspace` / `project_path`, in characters. */
export const MAX_PATH_CHARS = 1024;

/** An optional field that a reference client may also send as `null`. */
const absent = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === null ? undefined : value), schema.optional());

/** A model-facing tool name (the Messages API rule). */
export const ToolName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of [A-Za-z0-9_-]");
/** An id that is forwarded as an HTTP header value (`X-Aura-*`). */
export const HeaderId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, "must be 1-128 of [A-Za-z0-9_.:-]");
/** An HTTP header name (an RFC 9110 token). */
const HeaderName = z
  .string()
  .max(256)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name");
/** An HTTP header value: no CR, LF or NUL, so it cannot split a request. */
const HeaderValue = z
  .string()
  .max(8192)
  .regex(/^[^\r\n\0]*$/, "must not contain CR, LF or NUL");

/** How the server authenticates to an installed tool's endpoint. */
export const ToolAuth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("bearer"), token: HeaderValue.min(1) }),
  z.object({ type: z.literal("api_key"), header: HeaderName, key: HeaderValue.min(1) }),
  z.object({
    type: z.literal("headers"),
    headers: z
      .record(HeaderName, HeaderValue)
      .refine((h) => Object.keys(h).length <= 32, "at most 32 headers"),
  }),
]);
export type ToolAuth = z.infer<typeof ToolAuth>;

/** A tool the client installs for its session: the server calls `endpoint` to run it. */
export const InstalledTool = z.object({
  name: ToolName,
  description: z.string().max(10_000),
  input_schema: z.record(z.string().max(256), z.json()),
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  auth: absent(ToolAuth).transform((auth) => auth ?? { type: "none" as const }),
  timeout_ms: absent(z.number().int().min(1).max(300_000)),
});
export type InstalledTool = z.infer<typeof InstalledTool>;

/** A model id, e.g. `claude-opus-4-6`. */
export const ModelId = z.string().regex(/^[A-Za-z0-9._:/@-]{1,200}$/, "must be a model id");
/** `max_tokens` of each model request. */
export const MaxTokens = z.number().int().min(1).max(200_000);
/** Sampling temperature. */
export const Temperature = z.number().min(0).max(1);
/** Most model calls in one turn. */
export const MaxTurns = z.number().int().min(1).max(200);

/** A prior message that seeds the session's conversation (as the record keeps it). */
export const ConversationMessage = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.string().max(MAX_FRAME_BYTES),
});
export type ConversationMessage = z.infer<typeof ConversationMessage>;

/**
 * `session_init.conversation_messages` as a client sends them: any `role` is accepted, and
 * messages whose role is neither `user` nor `assistant` are skipped, as the reference skips
 * them, so the parsed frame holds only {@link ConversationMessage}s.
 */
export const InboundConversationMessages = z
  .array(z.object({ role: z.string().max(256), content: z.string().max(MAX_FRAME_BYTES) }))
  .max(1000)
  .transform((messages) =>
    messages.filter((m): m is ConversationMessage => m.role === "user" || m.role === "assistant"),
  );

/** `session_init`: must be the first frame of a session. */
export const SessionInitFrame = z.object({
  type: z.literal("session_init"),
  system_prompt: absent(z.string().max(100_000)),
  model: absent(ModelId),
  max_tokens: absent(MaxTokens),
  temperature: absent(Temperature),
  max_turns: absent(MaxTurns),
  installed_tools: absent(
    z
      .array(InstalledTool)
      .max(MAX_INSTALLED_TOOLS)
      .superRefine((tools, ctx) => {
        const seen = new Set<string>();
        tools.forEach((tool, i) => {
          if (seen.has(tool.name)) {
            ctx.addIssue({ code: "custom", path: [i, "name"], message: "duplicate tool name" });
          }
          seen.add(tool.name);
        });
      }),
  ),
  workspace: absent(z.string().max(MAX_PATH_CHARS)),
  project_path: absent(z.string().max(MAX_PATH_CHARS)),
  conversation_messages: absent(InboundConversationMessages),
  /**
   * 64 lowercase hex: an agent of the caller's org to attach to. Any other id (the reference
   * sends its project-agent UUID) is the billing id proxy-mode model calls send as
   * `X-Aura-Agent-Id`.
   */
  aura_agent_id: absent(HeaderId),
  aura_session_id: absent(HeaderId),
  aura_org_id: absent(HeaderId),
  token: absent(z.string().min(1).max(8192)),
  /**
   * Opts in to the frames and error codes the reference does not define (`record`,
   * `approval_request`, `not_found`): without it the socket gets only reference frames.
   */
  aura_extensions: absent(z.boolean()),
});
export type SessionInitFrame = z.infer<typeof SessionInitFrame>;

/** `user_message`: starts a turn. */
export const UserMessageFrame = z.object({
  type: z.literal("user_message"),
  /** May be empty, as the reference allows: the turn runs like any other. */
  content: z.string().max(MAX_FRAME_BYTES),
  tool_hints: absent(z.array(ToolName).max(MAX_INSTALLED_TOOLS)),
});
export type UserMessageFrame = z.infer<typeof UserMessageFrame>;

/** `cancel`: stops the running turn at its next safe point. */
export const CancelFrame = z.object({ type: z.literal("cancel") });
export type CancelFrame = z.infer<typeof CancelFrame>;

/** A `tool_use` id (the Messages API's `toolu_…`, or a mock's). */
export const ToolUseId = z.string().regex(/^[A-Za-z0-9_.:-]{1,256}$/, "must be a tool_use id");

/** `approval_response`: a person's answer to an `approval_request`. */
export const ApprovalResponseFrame = z.object({
  type: z.literal("approval_response"),
  tool_use_id: ToolUseId,
  approved: z.boolean(),
});
export type ApprovalResponseFrame = z.infer<typeof ApprovalResponseFrame>;

/** `resume`: replays the events of every entry after `after_seq` (0: from the start). */
export const ResumeFrame = z.object({
  type: z.literal("resume"),
  after_seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type ResumeFrame = z.infer<typeof ResumeFrame>;

/** Every client → server frame. */
export const ClientFrame = z.discriminatedUnion("type", [
  SessionInitFrame,
  UserMessageFrame,
  CancelFrame,
  ApprovalResponseFrame,
  ResumeFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** The `type` of every client frame. */
export const CLIENT_FRAME_TYPES = [
  "session_init",
  "user_message",
  "cancel",
  "approval_response",
  "resume",
] as const satisfies readonly ClientFrame["type"][];

/** The codes of `error` frames the reference defines. */
export const ReferenceErrorCode = z.enum([
  "parse_error",
  "already_initialized",
  "not_initialized",
  "invalid_workspace",
  "turn_in_progress",
  "llm_error",
  "insufficient_credits",
  "stall_detected",
  "internal_error",
]);
export type ReferenceErrorCode = z.infer<typeof ReferenceErrorCode>;

/**
 * The codes of `error` frames: the reference's, `not_found` for an `aura_agent_id` that
 * names no agent the caller may attach to, and `rate_limited` for a `user_message` refused
 * because the agent's queue is full (`AURA_INBOX_LIMIT`; nothing recorded, send it again
 * later). Sent as they are only to clients that opted in with `aura_extensions`; see
 * {@link REFERENCE_ERROR_CODE_OF}.
 */
export const StreamErrorCode = z.enum([...ReferenceErrorCode.options, "not_found", "rate_limited"]);
export type StreamErrorCode = z.infer<typeof StreamErrorCode>;

/**
 * The reference code a client that did not opt in gets for each code: its own for the
 * reference's codes, the closest one for ours (`not_found` names a `session_init` field the
 * server cannot accept, as `parse_error` does; `rate_limited` is a busy agent, as
 * `turn_in_progress` is).
 */
export const REFERENCE_ERROR_CODE_OF: Readonly<Record<StreamErrorCode, ReferenceErrorCode>> = {
  parse_error: "parse_error",
  already_initialized: "already_initialized",
  not_initialized: "not_initialized",
  invalid_workspace: "invalid_workspace",
  turn_in_progress: "turn_in_progress",
  llm_error: "llm_error",
  insufficient_credits: "insufficient_credits",
  stall_detected: "stall_detected",
  internal_error: "internal_error",
  not_found: "parse_error",
  // Busy, try again later: what a reference client already waits out.
  rate_limited: "turn_in_progress",
};

/** Why a turn stopped (`assistant_message_end.stop_reason`). */
export const TurnStopReason = z.enum([
  "end_turn",
  "cancelled",
  "insufficient_credits",
  "end_turn_with_errors",
  "error",
  "max_turns",
]);
export type TurnStopReason = z.infer<typeof TurnStopReason>;

/** Workspace-relative paths a turn created, modified and deleted. */
export const FilesChanged = FilesChangedWire;

/** Token usage reported at the end of a turn. */
export const TurnUsage = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cumulative_input_tokens: z.number().int().nonnegative(),
  cumulative_output_tokens: z.number().int().nonnegative(),
  /** Context size over the context window; above 1 when over. */
  context_utilization: z.number().nonnegative(),
  model: z.string(),
  provider: z.string(),
});
export type TurnUsage = z.infer<typeof TurnUsage>;

/** `error`; `recoverable` tells the client the session is still usable. */
export const ErrorFrame = z.object({
  type: z.literal("error"),
  code: StreamErrorCode,
  message: z.string(),
  recoverable: z.boolean(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

/** Every server → client frame. */
export const ServerFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("session_ready"),
    session_id: z.string(),
    agent_id: AgentId,
    tools: z.array(z.object({ name: z.string(), description: z.string() })),
  }),
  z.object({ type: z.literal("assistant_message_start"), message_id: z.string() }),
  z.object({ type: z.literal("text_delta"), text: z.string() }),
  z.object({ type: z.literal("thinking_delta"), thinking: z.string() }),
  z.object({ type: z.literal("tool_use_start"), id: z.string(), name: z.string() }),
  z.object({
    type: z.literal("tool_result"),
    tool_use_id: z.string(),
    name: z.string(),
    result: z.string(),
    is_error: z.boolean(),
  }),
  z.object({
    type: z.literal("assistant_message_end"),
    message_id: z.string(),
    stop_reason: TurnStopReason,
    usage: TurnUsage,
    files_changed: FilesChanged,
  }),
  ErrorFrame,
  z.object({
    type: z.literal("approval_request"),
    tool_use_id: z.string(),
    tool: z.string(),
    args: z.json(),
    reason: z.string(),
  }),
  /** Sent after each commit; `hash` is the entry's hash, the record's head at `seq`. */
  z.object({
    type: z.literal("record"),
    seq: z.number().int().positive(),
    tx_type: TxType,
    hash: Hash,
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/**
 * Whether the reference defines each server frame (`"reference"`), or only clients that opted
 * in with `session_init.aura_extensions` get it (`"extension"`). A `Record` over every type,
 * so a new frame cannot be added without deciding.
 */
export const SERVER_FRAME_ORIGIN: Readonly<Record<ServerFrame["type"], "reference" | "extension">> =
  {
    session_ready: "reference",
    assistant_message_start: "reference",
    text_delta: "reference",
    thinking_delta: "reference",
    tool_use_start: "reference",
    tool_result: "reference",
    assistant_message_end: "reference",
    error: "reference",
    approval_request: "extension",
    record: "extension",
  };

/**
 * An `error` frame.
 *
 * @example
 * errorFrame("turn_in_progress", "a turn is already running", true);
 * // { type: "error", code: "turn_in_progress", message: "a turn is already running", recoverable: true }
 */
export function errorFrame(
  code: StreamErrorCode,
  message: string,
  recoverable: boolean,
): ErrorFrame {
  return { type: "error", code, message, recoverable };
}
