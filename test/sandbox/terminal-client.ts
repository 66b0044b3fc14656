import WebSocket from "ws";
import { TerminalServerFrame } from "../../src/protocol/sandbox.js";

/** A terminal socket that collects frames and decoded output. */
export interface TerminalClient {
  socket: WebSocket;
  frames: TerminalServerFrame[];
  send(frame: unknown): void;
  /** Sends `text` as an `input` frame. */
  input(text: string): void;
  /** Resolves once `check` holds, re-checked on every frame. */
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
  /** Everything the shell printed so far. */
  output(): string;
}

/**
 * Opens the terminal socket of workspace `id` on the server at `serverUrl` with `token`.
 *
 * @example
 * const term = await openTerminal(sandbox.server.url, ws.id, ws.token);
 * term.send({ type: "spawn", cols: 80, rows: 24 });
 */
export async function openTerminal(
  serverUrl: string,
  id: string,
  token: string,
): Promise<TerminalClient> {
  const url = `${serverUrl.replace("http", "ws")}/v1/workspaces/${id}/terminal`;
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const frames: TerminalServerFrame[] = [];
  let output = "";
  const waiters: Array<() => void> = [];
  socket.on("message", (raw) => {
    const frame = TerminalServerFrame.parse(JSON.parse(String(raw)));
    frames.push(frame);
    if (frame.type === "output") output += Buffer.from(frame.data, "base64").toString("utf8");
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const send = (frame: unknown) => socket.send(JSON.stringify(frame));
  const input = (text: string) =>
    send({ type: "input", data: Buffer.from(text).toString("base64") });
  const until = (check: () => boolean, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; output so far: ${output}`)),
        timeoutMs,
      );
      const test = () => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(test);
      };
      test();
    });
  return { socket, frames, send, input, until, output: () => output };
}
