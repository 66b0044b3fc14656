import { type ClientFrame, ServerFrame } from "../../../src/protocol/stream.js";

/** Where a {@link StreamConnection} is. */
export type StreamStatus = "connecting" | "open" | "reconnecting" | "closed";

/** What a {@link StreamConnection} reports. */
export interface StreamHandlers {
  frame(frame: ServerFrame): void;
  status(status: StreamStatus, detail?: string): void;
}

/** Waits between reconnect attempts: 0.5 s, doubling, at most 8 s. */
const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/**
 * One agent's `/stream` session (docs/protocol.md, WebSocket sessions), kept alive across
 * drops: every (re)connection sends `session_init {aura_extensions: true}` (so `record` and
 * `approval_request` frames come) and then `resume {after_seq}` with the last `record` seq
 * seen, so the events missed while away are replayed in order and none twice. The first
 * connection resumes after `initialSeq`: the agent's history from there on is replayed (the
 * server replays at most 2,000 entries, so a caller starts near the head).
 *
 * @example
 * const stream = new StreamConnection(agentId, token, 0, { frame: show, status: note });
 * stream.send({ type: "user_message", content: "hello" });
 */
export class StreamConnection {
  private socket: WebSocket | undefined;
  /** Every seq up to this one has arrived. */
  private lastSeq: number;
  /** Seqs that arrived past a gap. */
  private readonly ahead = new Set<number>();
  private attempt = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly agentId: string,
    private readonly token: string,
    initialSeq: number,
    private readonly handlers: StreamHandlers,
  ) {
    this.lastSeq = initialSeq;
    this.open();
  }

  /** The seq below which every `record` frame has arrived (what a reconnect resumes after). */
  get seq(): number {
    return this.lastSeq;
  }

  /** Sends a frame; false when the socket is not open (the caller says so to the person). */
  send(frame: ClientFrame): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Closes for good (leaving the page). */
  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, "closed by the console");
    this.handlers.status("closed");
  }

  /** Drops the socket as a network failure would (tests and the "reconnect" button). */
  drop(): void {
    this.socket?.close(4000, "dropped by the console");
  }

  private open(): void {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}/stream?agent_id=${this.agentId}&token=${encodeURIComponent(this.token)}`;
    this.handlers.status(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      socket.send(JSON.stringify({ type: "session_init", aura_extensions: true }));
      socket.send(JSON.stringify({ type: "resume", after_seq: this.lastSeq }));
      this.handlers.status("open");
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      const wait = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)] ?? 8000;
      this.attempt += 1;
      this.handlers.status("reconnecting", event.reason || `closed (${event.code})`);
      this.timer = setTimeout(() => this.open(), wait);
    };
  }

  /**
   * Notes a `record` seq. Replayed entries (before the session's start) and live ones (from
   * it on) interleave, so the seq a reconnect resumes after is the highest one below which
   * every seq has arrived — never one past a gap a cut replay left.
   */
  private saw(seq: number): void {
    if (seq <= this.lastSeq) return;
    this.ahead.add(seq);
    while (this.ahead.has(this.lastSeq + 1)) {
      this.lastSeq += 1;
      this.ahead.delete(this.lastSeq);
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === "record") this.saw(frame.seq);
    this.handlers.frame(frame);
  }
}
