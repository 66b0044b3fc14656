import WebSocket from "ws";
import type { ServerFrame } from "../../../src/protocol/stream.js";
import { FrameWaiter } from "../../support/frame-waiter.js";

/** A `ws` client of the Worker's `/stream`, keeping every frame it receives. */
export interface StreamSocket {
  frames: ServerFrame[];
  send(frame: object): void;
  /** The first frame of `type` at or after index `from`, waiting up to `timeoutMs`. */
  next<T extends ServerFrame["type"]>(
    type: T,
    from?: number,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  isOpen(): boolean;
  close(): void;
}

/**
 * Opens `/stream` on a running stack with `token` (and `agent_id` when given). A client of
 * ours: each `session_init` it sends that does not set `aura_extensions` is sent with
 * `aura_extensions: true`, so it gets `record` and `approval_request` frames.
 *
 * @example
 * const socket = await connectStream(stack.url, stack.token);
 * socket.send({ type: "session_init" }); // sent with aura_extensions: true
 * await socket.next("session_ready");
 */
export async function connectStream(
  baseUrl: string,
  token: string,
  agentId?: string,
): Promise<StreamSocket> {
  const query = new URLSearchParams({ token });
  if (agentId) query.set("agent_id", agentId);
  const ws = new WebSocket(`${baseUrl.replace("http", "ws")}/stream?${query}`);
  const waiter = new FrameWaiter<ServerFrame>({ timeoutMs: 30_000 });
  ws.on("message", (data) => waiter.push(JSON.parse(String(data)) as ServerFrame));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    frames: waiter.frames,
    send: (frame) => ws.send(JSON.stringify(withOptIn(frame))),
    next: (type, from, timeoutMs) => waiter.next(type, { from, timeoutMs }),
    isOpen: () => ws.readyState === WebSocket.OPEN,
    close: () => ws.close(),
  };
}

/** `frame`, with `aura_extensions: true` when it is a `session_init` that does not set it. */
function withOptIn(frame: object): object {
  const init = (frame as { type?: unknown }).type === "session_init";
  return init && !("aura_extensions" in frame) ? { ...frame, aura_extensions: true } : frame;
}
