import { EventEmitter } from "node:events";
import WebSocket from "ws";
import {
  type ApprovalResponseFrame,
  type CancelFrame,
  ServerFrame,
  type SessionInitFrame,
  type UserMessageFrame,
} from "../../../src/protocol/stream.js";

/** The keep-alive frame; the server's runtime answers `{"type":"pong"}` without waking the agent. */
const PING = JSON.stringify({ type: "ping" });

/** Where a session's connection is: first connect, live, re-connecting after a drop, or done. */
export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** The `session_init` settings a client may choose (the server's defaults otherwise). */
export type SessionSettings = Partial<
  Pick<
    SessionInitFrame,
    "system_prompt" | "model" | "max_tokens" | "temperature" | "max_turns" | "workspace"
  >
>;

/** A frame a client sends once its session is started. */
export type OutgoingFrame = UserMessageFrame | CancelFrame | ApprovalResponseFrame;

/** What a session reports: a validated server frame, or a change of connection state. */
export type StreamEvent =
  | { kind: "frame"; frame: ServerFrame }
  | { kind: "state"; state: ConnectionState; attempt?: number; reason?: string };

export interface StreamSessionOptions {
  /** Server base URL (`http(s)://…`); the socket goes to its `/stream`. */
  url: string;
  token: string;
  /** Attach to this agent (64 hex); otherwise the first `session_init` creates one. */
  agentId?: string;
  settings?: SessionSettings;
  /** First reconnect delay (doubles each attempt up to `maxDelayMs`); default 250 ms. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before giving up (state `closed`); default 30. */
  maxAttempts?: number;
  /**
   * How often to send `{"type":"ping"}` (the server answers `pong`); a socket that hears
   * nothing for two periods is taken as dropped and re-established. Default 20 s; 0 turns
   * it off.
   */
  heartbeatMs?: number;
}

interface Events {
  event: [StreamEvent];
}

/**
 * A `/stream` session (SPEC §6) that survives dropped connections. It opts in to the
 * non-reference frames (`record`, `approval_request`), validates every frame with the
 * protocol's {@link ServerFrame} schema, and tracks the highest `record.seq` seen. When the
 * socket drops it reconnects with backoff to the same agent (`?agent_id=`), sends
 * `session_init` again and `resume {after_seq}`, so the events of entries committed meanwhile
 * arrive once each; `record` frames already seen are dropped.
 *
 * Listen with `on("event", …)` or iterate with `for await`.
 *
 * @example
 * const session = await StreamSession.open({ url, token });
 * session.send({ type: "user_message", content: "hello" });
 * for await (const event of session) {
 *   if (event.kind === "frame" && event.frame.type === "text_delta") process.stdout.write(event.frame.text);
 *   if (event.kind === "frame" && event.frame.type === "assistant_message_end") break;
 * }
 * session.close();
 */
export class StreamSession extends EventEmitter<Events> {
  /** The agent the session is bound to (known once `session_ready` arrived). */
  agentId: string | undefined;
  /** The highest `record.seq` seen (0 before any). */
  lastSeq = 0;
  state: ConnectionState = "connecting";
  readonly #options: StreamSessionOptions;
  readonly #seen = new Set<number>();
  #ws: WebSocket | undefined;
  #attempt = 0;
  #closing = false;
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastHeard = 0;
  /** Frames sent while the socket was down, sent after the next `session_init`. */
  #pending: OutgoingFrame[] = [];

  private constructor(options: StreamSessionOptions) {
    super();
    this.#options = options;
    this.agentId = options.agentId;
  }

  /**
   * Connects and starts a session; resolves at `session_ready`, rejects when the first
   * connection fails (bad URL, token refused, unknown agent) or the server answers an error.
   */
  static open(options: StreamSessionOptions): Promise<StreamSession> {
    const session = new StreamSession(options);
    return new Promise((resolve, reject) => {
      const onEvent = (event: StreamEvent) => {
        if (event.kind === "frame" && event.frame.type === "session_ready") {
          session.off("event", onEvent);
          resolve(session);
        } else if (event.kind === "frame" && event.frame.type === "error") {
          session.off("event", onEvent);
          session.close();
          reject(new Error(`${event.frame.code}: ${event.frame.message}`));
        } else if (event.kind === "state" && event.state === "closed") {
          session.off("event", onEvent);
          reject(new Error(event.reason ?? "the connection closed"));
        }
      };
      session.on("event", onEvent);
      session.#connect(false);
    });
  }

  /** Sends a frame now, or after the reconnect when the socket is down. */
  send(frame: OutgoingFrame): void {
    if (this.state === "open" && this.#ws?.readyState === WebSocket.OPEN) {
      this.#ws.send(JSON.stringify(frame));
    } else if (this.state !== "closed") {
      this.#pending.push(frame);
    }
  }

  /** Closes for good (no reconnect); state becomes `closed`. */
  close(): void {
    this.#closing = true;
    clearTimeout(this.#timer);
    clearInterval(this.#heartbeat);
    this.#ws?.close();
    this.#setState("closed");
  }

  /** Drops the current socket as a network failure would (it then reconnects): for tests. */
  dropConnection(): void {
    this.#ws?.terminate();
  }

  /** Every event from now on, until the session closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<StreamEvent> {
    const queue: StreamEvent[] = [];
    let wake: (() => void) | undefined;
    const onEvent = (event: StreamEvent) => {
      queue.push(event);
      wake?.();
    };
    this.on("event", onEvent);
    try {
      for (;;) {
        const event = queue.shift();
        if (event) {
          yield event;
          if (event.kind === "state" && event.state === "closed") return;
          continue;
        }
        if (this.state === "closed") return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.off("event", onEvent);
    }
  }

  #connect(resuming: boolean): void {
    const base = this.#options.url.replace(/^http/, "ws").replace(/\/+$/, "");
    const query = this.agentId ? `?${new URLSearchParams({ agent_id: this.agentId })}` : "";
    const ws = new WebSocket(`${base}/stream${query}`, {
      headers: { authorization: `Bearer ${this.#options.token}` },
    });
    this.#ws = ws;
    let opened = false;
    ws.on("open", () => {
      opened = true;
      this.#attempt = 0;
      // Opts in to the frames the reference does not define (`record`, `approval_request`).
      const init = {
        type: "session_init",
        ...this.#options.settings,
        aura_extensions: true,
      } satisfies SessionInitFrame;
      ws.send(JSON.stringify(init));
      // Before any `record` arrived the session's place is unknown: a resume from 0 would
      // replay an attached agent's whole history, so only a seen seq is resumed after.
      if (resuming && this.lastSeq > 0) {
        ws.send(JSON.stringify({ type: "resume", after_seq: this.lastSeq }));
      }
      this.#setState("open");
      for (const frame of this.#pending.splice(0)) ws.send(JSON.stringify(frame));
      this.#startHeartbeat(ws);
    });
    ws.on("message", (data) => {
      this.#lastHeard = Date.now();
      this.#receive(String(data));
    });
    ws.on("unexpected-response", (_req, res) => {
      const reason = `${this.#options.url}/stream answered HTTP ${res.statusCode}`;
      res.resume();
      // A refused upgrade (token, agent) does not get better by retrying.
      if (!resuming || (res.statusCode ?? 0) < 500) {
        this.#closing = true;
        this.#setState("closed", reason);
      }
      ws.terminate();
    });
    ws.on("error", () => undefined);
    ws.on("close", () => {
      if (this.#ws === ws) clearInterval(this.#heartbeat);
      if (this.#ws !== ws || this.#closing) {
        if (this.state !== "closed") this.#setState("closed");
        return;
      }
      if (!opened && !resuming) {
        this.#setState("closed", `cannot reach ${this.#options.url}/stream`);
        return;
      }
      this.#retry();
    });
  }

  /** Pings every period; a socket silent for two periods is terminated (then re-established). */
  #startHeartbeat(ws: WebSocket): void {
    const period = this.#options.heartbeatMs ?? 20_000;
    clearInterval(this.#heartbeat);
    if (period <= 0) return;
    this.#lastHeard = Date.now();
    this.#heartbeat = setInterval(() => {
      if (Date.now() - this.#lastHeard > 2 * period) {
        ws.terminate();
        return;
      }
      if (ws.readyState === WebSocket.OPEN) ws.send(PING);
    }, period);
    this.#heartbeat.unref();
  }

  #retry(): void {
    const max = this.#options.maxAttempts ?? 30;
    if (this.#attempt >= max) {
      this.#setState("closed", `gave up reconnecting after ${max} attempts`);
      return;
    }
    this.#attempt += 1;
    const first = this.#options.initialDelayMs ?? 250;
    const delay = Math.min(this.#options.maxDelayMs ?? 5000, first * 2 ** (this.#attempt - 1));
    this.#setState("reconnecting", undefined, this.#attempt);
    this.#timer = setTimeout(() => this.#connect(true), delay);
  }

  #receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === "session_ready") this.agentId = frame.agent_id;
    if (frame.type === "record") {
      if (this.#seen.has(frame.seq)) return;
      this.#seen.add(frame.seq);
      this.lastSeq = Math.max(this.lastSeq, frame.seq);
    }
    this.emit("event", { kind: "frame", frame });
  }

  #setState(state: ConnectionState, reason?: string, attempt?: number): void {
    if (this.state === state && state !== "reconnecting") return;
    this.state = state;
    this.emit("event", {
      kind: "state",
      state,
      ...(attempt === undefined ? {} : { attempt }),
      ...(reason === undefined ? {} : { reason }),
    });
  }
}
