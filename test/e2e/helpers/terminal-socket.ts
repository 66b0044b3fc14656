import WebSocket from "ws";

/** An open `/ws/terminal`: what it printed so far, and a way to type. */
export interface TerminalSocket {
  output(): string;
  type(text: string): void;
  /** Waits until the terminal has printed `marker`. */
  waitFor(marker: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** How an upgrade to `/ws/terminal` ended: a terminal, or the HTTP status it was refused with. */
export type TerminalOpening = { open: TerminalSocket } | { refused: number; body: string };

/**
 * Opens the Worker's `/ws/terminal` for `agentId` with `token`, spawning a 80×24 shell.
 *
 * @example
 * const opening = await openTerminal(stack.url, stack.token, agentId);
 * if ("open" in opening) opening.open.type("id -u\n");
 */
export function openTerminal(
  baseUrl: string,
  token: string,
  agentId: string,
): Promise<TerminalOpening> {
  const url = `${baseUrl.replace("http", "ws")}/ws/terminal?agent_id=${agentId}`;
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  let printed = "";
  const waiters = new Set<() => void>();
  ws.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { type: string; data?: string };
    if (frame.type === "output" && frame.data !== undefined) {
      printed += Buffer.from(frame.data, "base64").toString("utf8");
    }
    for (const wake of waiters) wake();
  });
  return new Promise((resolve, reject) => {
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      res.on("end", () => resolve({ refused: res.statusCode ?? 0, body }));
    });
    ws.once("error", reject);
    ws.once("open", () => {
      ws.send(JSON.stringify({ type: "spawn", cols: 200, rows: 50 }));
      resolve({
        open: {
          output: () => printed,
          type: (text) =>
            ws.send(JSON.stringify({ type: "input", data: Buffer.from(text).toString("base64") })),
          waitFor: (marker, timeoutMs = 15_000) =>
            new Promise<void>((done, fail) => {
              const check = () => {
                if (!printed.includes(marker)) return;
                clearTimeout(timer);
                waiters.delete(check);
                done();
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                fail(new Error(`terminal never printed ${marker}; it printed:\n${printed}`));
              }, timeoutMs);
              waiters.add(check);
              check();
            }),
          close: () => ws.close(),
        },
      });
    });
  });
}
