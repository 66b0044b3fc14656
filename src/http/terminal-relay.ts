import { closeQuietly } from "../core/close-socket.js";

/** How a relayed terminal ended: which side closed first, and its close code. */
export interface TerminalEnd {
  closed_by: "client" | "sandbox";
  code: number;
}

/**
 * Relays a terminal between the client and the sandbox's terminal socket: the Worker holds
 * both ends, passes every frame through unchanged in both directions, and closes each side
 * when the other closes or fails (a failure closes with 1011). `onEnd` is called once, when
 * the first side ends — the terminal's closing, which the caller records.
 *
 * @example
 * return relayTerminal(sandboxResponse.webSocket, (end) => ctx.waitUntil(record(end)));
 */
export function relayTerminal(sandbox: WebSocket, onEnd: (end: TerminalEnd) => void): Response {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.accept();
  sandbox.accept();
  let ended = false;
  const end = (closedBy: TerminalEnd["closed_by"], code: number): void => {
    if (ended) return;
    ended = true;
    onEnd({ closed_by: closedBy, code });
  };
  const pipe = (from: WebSocket, to: WebSocket, side: TerminalEnd["closed_by"]): void => {
    from.addEventListener("message", (event) => {
      try {
        to.send(event.data);
      } catch {
        // The other side is closing; its close event ends the relay.
      }
    });
    from.addEventListener("close", (event) => {
      closeQuietly(to, event.code, event.reason);
      end(side, event.code);
    });
    from.addEventListener("error", () => {
      closeQuietly(to, 1011, `${side} socket error`);
      end(side, 1011);
    });
  };
  pipe(server, sandbox, "client");
  pipe(sandbox, server, "sandbox");
  return new Response(null, { status: 101, webSocket: client });
}
