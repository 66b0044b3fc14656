import { textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import type { Result } from "../../src/core/errors.js";
import type { RecordEntry } from "../../src/core/record.js";
import { failureLogger } from "../../src/log/env-logger.js";
import { errorFields } from "../../src/log/error-fields.js";
import { errorFrame, type StreamErrorCode } from "../../src/protocol/stream.js";
import { auraAgentRefOf } from "../../src/session/aura-agent-id.js";
import { replayFrames } from "../../src/session/entry-events.js";
import { audienceOf, type FrameAudience } from "../../src/session/frame-audience.js";
import { parseClientFrame } from "../../src/session/parse-frame.js";
import {
  type InstalledToolSecrets,
  type SessionStartRecord,
  sessionStartOf,
} from "../../src/session/session-record.js";
import { decideFrame, type SessionCommand } from "../../src/session/session-state.js";
import type { AdmitInput } from "./admission.js";
import type { ApproveInput } from "./approval.js";
import type { SessionHub, SocketMeta } from "./session-hub.js";
import { startsTurn } from "./turn-runner.js";

/** What the session layer asks of the agent's object. */
export interface StreamHost {
  hub: SessionHub;
  /** True once the agent exists. */
  exists(): boolean;
  /** Creates the agent this socket belongs to (a session on a new agent). */
  createAgent(meta: SocketMeta): Promise<Result<{ agent_id: string }>>;
  admit(input: AdmitInput): Promise<Result<{ tx_id: string }>>;
  approve(input: ApproveInput): Promise<Result<{ seq: number }>>;
  /** Asks the open turn to stop at its next safe point. */
  cancel(): void;
  /** The open turn's seq, if any, and whether anything waits in the inbox. */
  openTurnSeq(): number | null;
  /** `tool_use_id`s waiting for approval: the open turn's tool calls, then terminals. */
  waitingApprovals(): string[];
  /** The seq of the record's head (0 when empty). */
  headSeq(): number;
  /** Entries from `fromSeq` on, at most `limit` (default: to the head). */
  entriesFrom(fromSeq: number, limit?: number): RecordEntry[];
  /**
   * Why one of a session's installed tools may not be called at its endpoint (loopback,
   * private, link-local, the sandbox…), naming the tool; undefined when all may be.
   */
  endpointRefusal(tools: readonly { name: string; endpoint: string }[]): string | undefined;
  /** The tools a session with these installed tools offers the model. */
  toolsFor(record: SessionStartRecord): Array<{ name: string; description: string }>;
  saveSecrets(sessionId: string, secrets: InstalledToolSecrets): void;
  newSessionId(): string;
  now(): number;
}

/** Most entries a `resume` replays; older ones are read with `GET /agents/:id/record`. */
export const RESUME_LIMIT = 2000;
/** Entries folded before `after_seq` so the turn open there ends with its whole usage. */
const RESUME_CONTEXT = 200;

/**
 * The `/stream` session layer of one agent (SPEC §6): parses each frame (a bad one gets a
 * recoverable `parse_error`; the socket stays usable), lets the pure decider judge it against
 * the socket's session state, and carries out what it decides — a `session_start` entry for
 * `session_init`, a `user_prompt` for `user_message`, a recorded approval, a cancel, a replay
 * of missed entries. Everything a session needs after hibernation is in the record, the
 * socket's attachment, or (credentials only) the session secrets table.
 */
export class StreamSessions {
  readonly #host: StreamHost;
  /**
   * The frame in progress, of any socket (memory only). One queue for the object rather than
   * one per socket: it does not depend on the runtime handing each event the same WebSocket
   * object, and a frame's work is short (an admission, an approval), so sockets waiting on
   * each other costs little.
   */
  #queue: Promise<void> = Promise.resolve();

  constructor(host: StreamHost) {
    this.#host = host;
  }

  /**
   * Takes a frame from `ws`. Frames are handled one at a time, in arrival order: a frame waits
   * for the one before it (a `user_message` right behind `session_init` finds the session
   * started).
   */
  receive(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const handled = this.#queue.catch(() => undefined).then(() => this.onMessage(ws, data));
    this.#queue = handled;
    return handled;
  }

  /** Handles one frame from `ws`. Never throws: failures become `error` frames. */
  async onMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const hub = this.#host.hub;
    const meta = hub.meta(ws);
    if (!meta) {
      hub.send(ws, errorFrame("internal_error", "this socket has no session data", false));
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      hub.send(ws, errorFrame("parse_error", parsed.error.message, true));
      return;
    }
    const { frame } = parsed;
    // A session_init's answers follow its own opt-in until the session has started.
    const audience: FrameAudience | undefined =
      frame.type === "session_init" && meta.session.session_id === null
        ? audienceOf(frame.aura_extensions)
        : undefined;
    const turnSeq = this.#host.exists() ? this.#host.openTurnSeq() : null;
    const decision = decideFrame(meta.session, frame, {
      session_id: this.#host.newSessionId(),
      turn_in_progress: turnSeq !== null,
      pending_approvals:
        frame.type === "approval_response" && this.#host.exists()
          ? this.#host.waitingApprovals()
          : [],
    });
    for (const outcome of decision.outcomes) {
      if (outcome.type === "send") {
        hub.send(ws, outcome.frame, audience);
        continue;
      }
      try {
        const done = await this.#run(ws, meta, outcome);
        if (!done.ok) {
          hub.send(ws, errorFrame(done.code, done.message, true), audience);
          return;
        }
      } catch (err) {
        failureLogger.log("error", "stream_command_failed", errorFields(err));
        const failed = errorFrame("internal_error", "the request could not be carried out", true);
        hub.send(ws, failed, audience);
        return;
      }
    }
    if (decision.state !== meta.session) {
      // Commands may have updated the attachment (`live_after`): keep what they wrote.
      hub.save(ws, { ...(hub.meta(ws) ?? meta), session: decision.state });
    }
  }

  async #run(
    ws: WebSocket,
    meta: SocketMeta,
    command: SessionCommand,
  ): Promise<{ ok: true } | { ok: false; code: StreamErrorCode; message: string }> {
    const host = this.#host;
    const address = { org: meta.org, agent_id: meta.agent_id };
    switch (command.type) {
      case "init_session": {
        const { init, session_id, settings } = command;
        // A 64-hex id attaches to that agent; any other id is a billing id (recorded below).
        const named =
          init.aura_agent_id === undefined ? undefined : auraAgentRefOf(init.aura_agent_id);
        if (named?.kind === "agent" && named.agent_id !== meta.agent_id) {
          return refused(
            "not_found",
            `aura_agent_id: this socket is bound to agent ${meta.agent_id}; connect to /stream?agent_id=${named.agent_id} to attach to another agent`,
          );
        }
        // An endpoint the Worker would refuse to call is refused before the session starts.
        const endpoint = host.endpointRefusal(init.installed_tools ?? []);
        if (endpoint !== undefined) return refused("parse_error", endpoint);
        if (!host.exists()) {
          const created = await host.createAgent(meta);
          if (!created.ok && created.code !== "conflict")
            return refused("internal_error", created.message);
        }
        const paths = {
          workspace: settings.workspace,
          ...(settings.project_path === undefined ? {} : { project_path: settings.project_path }),
        };
        const { record, secrets } = sessionStartOf(session_id, init, paths);
        if (Object.keys(secrets).some((name) => secrets[name]?.type !== "none")) {
          host.saveSecrets(session_id, secrets);
        }
        // The session is live (and announced) before its `session_start` commits, so this
        // socket is sent that entry's `record` like every later one; a failed admission
        // undoes it.
        const live = {
          ...meta,
          live_after: host.headSeq(),
          session: { ...meta.session, session_id, settings },
        };
        host.hub.save(ws, live);
        host.hub.send(ws, {
          type: "session_ready",
          session_id,
          agent_id: meta.agent_id,
          tools: host.toolsFor(record),
        });
        const admitted = await host.admit({
          ...address,
          kind: "session_start",
          payload: textToBase64(canonicalJson(record)),
          idempotency_key: `session:${session_id}`,
          now: host.now(),
          sub: meta.sub,
        });
        if (!admitted.ok) {
          host.hub.save(ws, meta);
          return refused("internal_error", admitted.message);
        }
        return { ok: true };
      }
      case "start_turn": {
        const admitted = await host.admit({
          ...address,
          kind: "user_prompt",
          payload: textToBase64(command.content),
          now: host.now(),
          sub: meta.sub,
          ...(meta.jwt === undefined ? {} : { caller_jwt: meta.jwt }),
        });
        if (admitted.ok) return { ok: true };
        // A full queue (AURA_INBOX_LIMIT) recorded nothing: the client may send it again.
        return refused(
          admitted.code === "rate_limited" ? "rate_limited" : "internal_error",
          admitted.message,
        );
      }
      case "cancel_turn":
        host.cancel();
        return { ok: true };
      case "answer_approval": {
        // A call another watcher answered meanwhile is refused quietly, like any stray answer.
        await host.approve({
          ...address,
          tool_use_id: command.tool_use_id,
          approved: command.approved,
          approver: meta.sub,
        });
        return { ok: true };
      }
      case "replay": {
        if (!host.exists()) return { ok: true };
        // Entries after `live_after` reached this socket live; only earlier ones are missed.
        // The fold starts a little before `after_seq` (for the turn open there), and never
        // more than RESUME_LIMIT entries back: a client further behind reads the record.
        const liveAfter = meta.live_after ?? host.headSeq();
        if (command.after_seq >= liveAfter) return { ok: true };
        const from = Math.max(1, command.after_seq + 1 - RESUME_CONTEXT, liveAfter - RESUME_LIMIT);
        const entries = host.entriesFrom(from, liveAfter - from + 1);
        const frames = replayFrames(entries, command.after_seq, { opensTurn: startsTurn });
        for (const frame of frames) host.hub.send(ws, frame);
        return { ok: true };
      }
    }
  }
}

function refused(
  code: StreamErrorCode,
  message: string,
): { ok: false; code: StreamErrorCode; message: string } {
  return { ok: false, code, message };
}
