import { z } from "zod";
import {
  type ClientFrame,
  type ErrorFrame,
  errorFrame,
  HeaderId,
  MAX_PATH_CHARS,
  MaxTokens,
  MaxTurns,
  ModelId,
  type SessionInitFrame,
  Temperature,
} from "../protocol/stream.js";
import { checkProjectPath, checkWorkspacePath } from "./workspace-path.js";

/** Most bytes a WebSocket attachment may take (`serializeAttachment`). */
export const MAX_ATTACHMENT_BYTES = 16 * 1024;

/**
 * The small settings of a session that later frames need: the turn knobs and the checked
 * paths. Large or secret parts of `session_init` (system prompt, installed tools, earlier
 * messages, token) are not kept here: they travel in the `init_session` command.
 */
export const SessionSettings = z.strictObject({
  /** Normalised, relative to the workspace base (`"."` is the base). */
  workspace: z.string().min(1).max(MAX_PATH_CHARS),
  project_path: z.string().min(1).max(MAX_PATH_CHARS).optional(),
  model: ModelId.optional(),
  max_tokens: MaxTokens.optional(),
  temperature: Temperature.optional(),
  max_turns: MaxTurns.optional(),
  aura_session_id: HeaderId.optional(),
  aura_org_id: HeaderId.optional(),
  /** True when the client opted in to the frames the reference does not define. */
  aura_extensions: z.boolean().optional(),
});
export type SessionSettings = z.infer<typeof SessionSettings>;

/**
 * One socket's session, kept in its attachment so it survives hibernation. Every field is
 * bounded, so the largest state serialises well under {@link MAX_ATTACHMENT_BYTES}.
 */
export const SessionState = z.strictObject({
  v: z.literal(1),
  /** Null until `session_init`; then the id the shell drew for it. */
  session_id: HeaderId.nullable(),
  settings: SessionSettings.nullable(),
  /** Highest seq whose `record` frame this socket was sent. */
  delivered_seq: z.number().int().nonnegative(),
});
export type SessionState = z.infer<typeof SessionState>;

/** What the shell knows when a frame arrives; the decider reads nothing else. */
export interface FrameContext {
  /** The id a `session_init` starts (drawn by the shell: 1-128 of `[A-Za-z0-9_.:-]`). */
  session_id: string;
  /** True while the agent has an open turn (running or parked on an approval). */
  turn_in_progress: boolean;
  /** `tool_use_id`s the open turn waits on for approval. */
  pending_approvals: readonly string[];
}

/** Work for the shell: what a frame asks of the agent. */
export type SessionCommand =
  | { type: "init_session"; session_id: string; settings: SessionSettings; init: SessionInitFrame }
  | { type: "start_turn"; content: string; tool_hints?: string[] }
  | { type: "cancel_turn" }
  | { type: "answer_approval"; tool_use_id: string; approved: boolean }
  | { type: "replay"; after_seq: number };

/** One result of a frame: a frame to send back on this socket, or a command. */
export type SessionOutcome = { type: "send"; frame: ErrorFrame } | SessionCommand;

/** The next state and the outcomes, in order. */
export interface SessionDecision {
  state: SessionState;
  outcomes: SessionOutcome[];
}

/**
 * The state of a socket that has not sent `session_init`.
 *
 * @example
 * ws.serializeAttachment(initialSessionState());
 */
export function initialSessionState(): SessionState {
  return { v: 1, session_id: null, settings: null, delivered_seq: 0 };
}

/**
 * The state kept in an attachment, or the initial state when it holds none or something
 * else (an attachment written by another version). Never throws.
 *
 * @example
 * const state = restoreSessionState(ws.deserializeAttachment());
 */
export function restoreSessionState(attachment: unknown): SessionState {
  const parsed = SessionState.safeParse(attachment);
  return parsed.success ? parsed.data : initialSessionState();
}

/**
 * Decides what a parsed client frame does to a session. Pure: ids and the agent's turn status
 * come in through `context`. Frames before `session_init` get `not_initialized`; a second
 * `session_init` gets `already_initialized`; a `user_message` during a turn gets
 * `turn_in_progress` — all recoverable, none changing the state. A `cancel` with no turn
 * running and an `approval_response` that answers nothing pending are ignored. The shell
 * saves the returned state once it has carried out the outcomes (an `init_session` it cannot
 * complete leaves the old state in place).
 *
 * @example
 * const { state, outcomes } = decideFrame(initialSessionState(), { type: "cancel" }, context);
 * // outcomes: [{ type: "send", frame: { type: "error", code: "not_initialized", … } }]
 */
export function decideFrame(
  state: SessionState,
  frame: ClientFrame,
  context: FrameContext,
): SessionDecision {
  if (frame.type === "session_init") return decideInit(state, frame, context);
  if (state.session_id === null) {
    return refuse(state, "not_initialized", `send session_init before ${frame.type}`);
  }
  switch (frame.type) {
    case "user_message": {
      if (context.turn_in_progress) {
        return refuse(state, "turn_in_progress", "a turn is already running for this agent");
      }
      const command: SessionCommand = { type: "start_turn", content: frame.content };
      if (frame.tool_hints !== undefined) command.tool_hints = frame.tool_hints;
      return { state, outcomes: [command] };
    }
    case "cancel":
      return { state, outcomes: context.turn_in_progress ? [{ type: "cancel_turn" }] : [] };
    case "approval_response": {
      if (!context.pending_approvals.includes(frame.tool_use_id)) return { state, outcomes: [] };
      const { tool_use_id, approved } = frame;
      return { state, outcomes: [{ type: "answer_approval", tool_use_id, approved }] };
    }
    case "resume":
      return { state, outcomes: [{ type: "replay", after_seq: frame.after_seq }] };
  }
}

/**
 * The state after this socket was sent the `record` frame of `seq`.
 *
 * @example
 * state = markDelivered(state, frame.seq);
 */
export function markDelivered(state: SessionState, seq: number): SessionState {
  return seq > state.delivered_seq ? { ...state, delivered_seq: seq } : state;
}

/** True when this socket has not yet been sent the `record` frame of `seq`. */
export function needsDelivery(state: SessionState, seq: number): boolean {
  return state.session_id !== null && seq > state.delivered_seq;
}

function decideInit(
  state: SessionState,
  init: SessionInitFrame,
  context: FrameContext,
): SessionDecision {
  if (state.session_id !== null) {
    return refuse(state, "already_initialized", `session ${state.session_id} is initialized`);
  }
  const workspace = checkWorkspacePath("workspace", init.workspace ?? ".");
  if (!workspace.ok) return refuse(state, workspace.error.code, workspace.error.message);
  const settings: SessionSettings = { workspace: workspace.path };
  if (init.project_path !== undefined) {
    const project = checkProjectPath(init.project_path);
    if (!project.ok) return refuse(state, project.error.code, project.error.message);
    settings.project_path = project.path;
  }
  for (const key of KNOBS) {
    const value = init[key];
    if (value !== undefined) Object.assign(settings, { [key]: value });
  }
  return {
    state: { ...state, session_id: context.session_id, settings },
    outcomes: [{ type: "init_session", session_id: context.session_id, settings, init }],
  };
}

/** The `session_init` fields copied into {@link SessionSettings} as they are. */
const KNOBS = [
  "model",
  "max_tokens",
  "temperature",
  "max_turns",
  "aura_session_id",
  "aura_org_id",
  "aura_extensions",
] as const satisfies readonly (keyof SessionSettings & keyof SessionInitFrame)[];

function refuse(state: SessionState, code: ErrorFrame["code"], message: string): SessionDecision {
  return { state, outcomes: [{ type: "send", frame: errorFrame(code, message, true) }] };
}
