import { AutomatonStreamEvent } from "../../../src/protocol/automaton-stream.js";

/** One line of an automaton's live log: consecutive `text_delta`s are joined into one. */
export interface EventLine {
  seq: number;
  type: string;
  text: string;
}

/**
 * Adds one event to the log: a `text_delta` extends the previous text line of the same seq;
 * any other event is a line of its own, its fields said in words.
 *
 * @example
 * addEvent([], { type: "task_started", automaton_id, seq: 4, task_id: "t", title: "Build" });
 */
export function addEvent(lines: readonly EventLine[], event: AutomatonStreamEvent): EventLine[] {
  const last = lines[lines.length - 1];
  if (event.type === "text_delta") {
    if (last && last.type === "text" && last.seq === event.seq) {
      return [...lines.slice(0, -1), { ...last, text: last.text + event.text }];
    }
    return [...lines, { seq: event.seq, type: "text", text: event.text }];
  }
  return [...lines, { seq: event.seq, type: event.type, text: describe(event) }];
}

function describe(event: AutomatonStreamEvent): string {
  switch (event.type) {
    case "stopped":
      return event.reason ?? "";
    case "error":
      return event.message;
    case "done":
      return event.status;
    case "tool_use_start":
      return event.name;
    case "tool_result":
      return `${event.name}${event.is_error ? " (error)" : ""}`;
    case "task_started":
    case "task_completed":
    case "task_failed":
      return [event.title ?? event.task_id, event.reason].filter(Boolean).join(": ");
    case "loop_finished":
      return `${event.outcome}: ${event.completed_count} completed, ${event.failed_count} failed`;
    default:
      return "";
  }
}

/**
 * Watches `/stream/automaton/:id` (`?token=&after_seq=`), replaying from the start, and
 * reconnects after a drop (1 s) from the last seq seen, until `done` or {@link close}.
 */
export class AutomatonEvents {
  private socket: WebSocket | undefined;
  private lastSeq = 0;
  private finished = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly automatonId: string,
    private readonly token: string,
    private readonly onEvent: (event: AutomatonStreamEvent) => void,
    private readonly onStatus: (live: boolean) => void,
  ) {
    this.open();
  }

  close(): void {
    this.finished = true;
    clearTimeout(this.timer);
    this.socket?.close(1000);
  }

  private open(): void {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = new URLSearchParams({ token: this.token, after_seq: String(this.lastSeq) });
    const socket = new WebSocket(
      `${scheme}//${location.host}/stream/automaton/${this.automatonId}?${query}`,
    );
    this.socket = socket;
    socket.onopen = () => this.onStatus(true);
    socket.onmessage = (message) => {
      let parsed: ReturnType<typeof AutomatonStreamEvent.safeParse>;
      try {
        parsed = AutomatonStreamEvent.safeParse(JSON.parse(String(message.data)));
      } catch {
        return;
      }
      if (!parsed.success) return;
      const event = parsed.data;
      // A live text_delta carries its tick's seq: a replay after it would send the text again.
      if (event.type !== "text_delta") this.lastSeq = Math.max(this.lastSeq, event.seq);
      if (event.type === "done") this.finished = true;
      this.onEvent(event);
    };
    socket.onclose = () => {
      this.onStatus(false);
      if (this.socket !== socket || this.finished) return;
      this.timer = setTimeout(() => this.open(), 1000);
    };
  }
}
