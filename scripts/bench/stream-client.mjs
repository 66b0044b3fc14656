import WebSocket from "ws";

/**
 * @typedef {{ type: string } & Record<string, unknown>} Frame A server frame of `/stream`.
 */

/**
 * @typedef {object} StreamClient
 * @property {number} index Its place among the clients of one phase.
 * @property {WebSocket} ws The one socket it ever has: the bench never reconnects.
 * @property {boolean} closed The socket closed or failed (a real client would reconnect).
 * @property {((frame: Frame, at: number) => void) | undefined} handle Sees each frame with
 *   its receive time (`performance.now()` when the message event fired); frames are not
 *   even parsed while it is unset.
 * @property {(frame: object) => void} send
 */

/**
 * Opens one `/stream` session on an existing agent, as a watcher would: connects with the
 * token in the query, sends `session_init` and resolves once the socket has its
 * `session_ready` and the `record` frame of its own `session_start`. Rejects on a close, a
 * socket error, an `error` frame or after `timeoutMs`.
 *
 * @example
 * const c = await openSession({ origin, token, agentId, index: 0, timeoutMs: 30_000 });
 * c.handle = (frame, at) => console.log(frame.type, at);
 * c.send({ type: "user_message", content: "hi" });
 * @param {{ origin: URL, token: string, agentId: string, index: number, timeoutMs: number,
 *   deflate?: boolean, track?: (client: StreamClient) => void }} options
 * @returns {Promise<StreamClient>}
 */
export function openSession({ origin, token, agentId, index, timeoutMs, deflate = true, track }) {
  const url = new URL("/stream", origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.search = new URLSearchParams({ agent_id: agentId, token }).toString();
  const ws = new WebSocket(url, { perMessageDeflate: deflate });
  /** @type {StreamClient} */
  const client = {
    index,
    ws,
    closed: false,
    handle: undefined,
    send: (frame) => ws.send(JSON.stringify(frame)),
  };
  track?.(client);
  ws.on("message", (data) => {
    const at = performance.now();
    const handle = client.handle;
    if (handle) handle(/** @type {Frame} */ (JSON.parse(String(data))), at);
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    let ready = false;
    const settle = (/** @type {string | undefined} */ failure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.handle = undefined;
      if (failure === undefined) return resolve(client);
      ws.terminate();
      reject(new Error(`session ${index}: ${failure}`));
    };
    const timer = setTimeout(() => settle(`not ready after ${timeoutMs} ms`), timeoutMs);
    // Opts in to `record` frames (beyond the reference's), which the bench times.
    ws.on("open", () => ws.send(JSON.stringify({ type: "session_init", aura_extensions: true })));
    ws.on("error", (err) => {
      client.closed = true;
      settle(err.message);
    });
    ws.on("close", (code) => {
      client.closed = true;
      settle(`closed (${code}) before it was ready`);
    });
    client.handle = (frame) => {
      if (frame.type === "session_ready") ready = true;
      else if (frame.type === "error") settle(`error frame ${JSON.stringify(frame)}`);
      else if (ready && frame.type === "record" && frame.tx_type === "session_start")
        settle(undefined);
    };
  });
}

/**
 * Opens `count` sessions on one agent, `batch` at a time (each batch waits for the one
 * before), so a small machine copes with the connections and with the `session_start`
 * commits every earlier session watches. Every client is handed to `track` as soon as its
 * socket is made, so a failure half-way still closes it.
 *
 * @example
 * const clients = await openSessions({ origin, token, agentId, count: 1000, batch: 50,
 *   timeoutMs: 60_000, track: (c) => all.push(c) });
 * @param {{ origin: URL, token: string, agentId: string, count: number, batch: number,
 *   timeoutMs: number, deflate?: boolean, track: (client: StreamClient) => void }} options
 * @returns {Promise<StreamClient[]>}
 */
export async function openSessions({ count, batch, track, ...connect }) {
  /** @type {StreamClient[]} */
  const clients = [];
  for (let first = 0; first < count; first += batch) {
    const size = Math.min(batch, count - first);
    const opened = await Promise.all(
      Array.from({ length: size }, (_, i) => openSession({ ...connect, index: first + i, track })),
    );
    clients.push(...opened);
  }
  return clients;
}

/**
 * Closes every socket at once without a closing handshake.
 * @param {StreamClient[]} clients
 */
export function closeAll(clients) {
  for (const client of clients) {
    client.handle = undefined;
    client.ws.terminate();
  }
}
