import { exports } from "cloudflare:workers";
import type { ServerFrame } from "../../src/protocol/stream.js";
import { FrameWaiter, type NextOptions } from "../support/frame-waiter.js";

/** A `/stream` client inside the Workers tier: every frame it got, in order. */
export interface StreamClient {
  ws: WebSocket;
  frames: ServerFrame[];
  /** Sends a frame (an object is sent as JSON, a string as it is). */
  send(frame: object | string): void;
  /** Waits up to 10 s for the first frame of `type` at or after index `from` for which `where` holds. */
  next<T extends ServerFrame["type"]>(
    type: T,
    options?: Omit<NextOptions<Extract<ServerFrame, { type: T }>>, "timeoutMs">,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  /** Frames received so far. */
  count(): number;
  close(): void;
}

/** How a test client speaks. */
export interface StreamOptions {
  /**
   * True (the default): a client of ours, whose `session_init` frames opt in to the frames the
   * reference does not define (`aura_extensions: true` is added to each one sent as an object
   * that does not set it). False: a reference client, which sends them as they are.
   */
  extensions?: boolean;
}

/**
 * Opens `GET /stream` through the Worker's real entrypoint (the token in `?token=`, as a
 * browser sends it) and accepts the socket.
 *
 * @example
 * const client = await openStream(token, agentId);
 * client.send({ type: "session_init" }); // sent with aura_extensions: true
 * await client.next("session_ready");
 */
export async function openStream(
  token: string,
  agentId?: string,
  options: StreamOptions = {},
): Promise<StreamClient> {
  const query = new URLSearchParams({ token });
  if (agentId !== undefined) query.set("agent_id", agentId);
  const response = await exports.default.fetch(
    new Request(`https://aura.test/stream?${query}`, { headers: { Upgrade: "websocket" } }),
  );
  const ws = response.webSocket;
  if (!ws) throw new Error(`/stream answered ${response.status}: ${await response.text()}`);
  ws.accept();
  const waiter = new FrameWaiter<ServerFrame>({
    timeoutMs: 10_000,
    received: (frames) => frames.map(describe).join(","),
  });
  ws.addEventListener("message", (event) =>
    waiter.push(JSON.parse(String(event.data)) as ServerFrame),
  );
  return {
    ws,
    frames: waiter.frames,
    send: (frame) =>
      ws.send(
        typeof frame === "string" ? frame : JSON.stringify(withOptIn(frame, options.extensions)),
      ),
    count: () => waiter.frames.length,
    close: () => ws.close(1000, "done"),
    next: (type, options) => waiter.next(type, options),
  };
}

/**
 * Opens a stream and completes `session_init`; returns the client and its `session_ready`.
 * A reference client (`extensions: false`) gets no `record` frames, so it never waits for one.
 */
export async function openSession(
  token: string,
  agentId?: string,
  init: object = {},
  options: { awaitRecord?: boolean } & StreamOptions = {},
): Promise<{ client: StreamClient; ready: Extract<ServerFrame, { type: "session_ready" }> }> {
  const client = await openStream(token, agentId, options);
  client.send({ type: "session_init", ...init });
  const ready = await client.next("session_ready");
  // Its session_start commits right after (unless a turn is open): wait for its record.
  if (options.awaitRecord !== false && options.extensions !== false) {
    await client.next("record", { where: (f) => f.tx_type === "session_start" });
  }
  return { client, ready };
}

/** `frame`, with `aura_extensions: true` when it is a `session_init` of ours that does not set it. */
function withOptIn(frame: object, extensions = true): object {
  const init = (frame as { type?: unknown }).type === "session_init";
  return extensions && init && !("aura_extensions" in frame)
    ? { ...frame, aura_extensions: true }
    : frame;
}

/** A frame's type, and an error's code and message: what a timeout names. */
function describe(frame: ServerFrame): string {
  return frame.type === "error" ? `error(${frame.code}: ${frame.message})` : frame.type;
}
