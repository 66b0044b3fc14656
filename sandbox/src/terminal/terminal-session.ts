import type { RawData, WebSocket } from "ws";
import { TerminalClientFrame, type TerminalServerFrame } from "../../../src/protocol/sandbox.js";
import type { Isolation } from "../isolation/isolation.js";
import type { ProcessGroups } from "../process/process-groups.js";
import type { Workspace } from "../workspace/confine.js";
import { type ShellProcess, spawnShell } from "./shell-process.js";

/** Largest input frame accepted, in base64 characters. */
const MAX_INPUT_CHARS = 1024 * 1024;
/** Output bytes queued on a slow socket before the shell's output is paused. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Serves one terminal WebSocket (SPEC §5 `/ws/terminal`): `spawn{cols,rows}` starts a shell in
 * the workspace and answers `spawned{pid}`; `input{data}` (base64) is written to it; `resize`
 * sets its size; its output leaves as `output{data}` (base64) and its end as `exit{code}`, after
 * which the socket closes. A frame that does not parse, input before `spawn` or a second
 * `spawn` is answered with `error{code,message}`. Output waiting on a slow client is bounded:
 * past 1 MiB queued, the shell's output is paused until the socket drains. Closing the socket
 * kills the shell and everything it started. The shell runs inside `isolation`; when that is
 * on but unavailable, `spawn` is answered `error{code: "tool_disabled"}`.
 *
 * @example
 * wss.handleUpgrade(req, socket, head, (ws) => serveTerminal(ws, { workspace, processes, isolation }));
 */
export function serveTerminal(
  socket: WebSocket,
  { workspace, processes, isolation }: TerminalContext,
): void {
  let shell: ShellProcess | undefined;
  const send = (frame: TerminalServerFrame) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const refuse = (code: string, message: string) => send({ type: "error", code, message });

  socket.on("message", (raw: RawData, isBinary: boolean) => {
    const frame = isBinary ? undefined : parseFrame(raw);
    if (frame === undefined) {
      refuse("invalid_frame", "expected a JSON frame: spawn, input or resize");
      return;
    }
    switch (frame.type) {
      case "spawn": {
        if (shell !== undefined) {
          refuse("already_spawned", "this terminal already runs a shell");
          return;
        }
        const started = spawnShell(isolation, workspace.root, frame.cols, frame.rows);
        if ("refused" in started) {
          refuse("tool_disabled", started.refused);
          return;
        }
        shell = started;
        processes.add(started.pid, () => started.kill());
        let paused = false;
        started.onOutput((chunk) => {
          send({ type: "output", data: chunk.toString("base64") });
          // A client slower than the shell gets backpressure, not an unbounded queue.
          if (!paused && socket.bufferedAmount > MAX_BUFFERED_BYTES) {
            paused = true;
            started.pause();
            waitForDrain(socket, () => {
              paused = false;
              started.resume();
            });
          }
        });
        started.onExit((code) => {
          processes.delete(started.pid);
          started.kill();
          send({ type: "exit", code });
          socket.close(1000, "shell exited");
        });
        send({ type: "spawned", pid: started.pid });
        return;
      }
      case "input":
        if (shell === undefined) {
          refuse("not_spawned", "send spawn before input");
          return;
        }
        if (frame.data.length > MAX_INPUT_CHARS) {
          refuse("invalid_frame", `input data is over ${MAX_INPUT_CHARS} base64 characters`);
          return;
        }
        shell.write(Buffer.from(frame.data, "base64"));
        return;
      case "resize":
        shell?.resize(frame.cols, frame.rows);
        return;
    }
  });
  socket.on("close", () => {
    if (shell === undefined) return;
    processes.delete(shell.pid);
    shell.kill();
  });
}

/** What a terminal runs with: its workspace, the server's process registry and isolation. */
export interface TerminalContext {
  workspace: Workspace;
  processes: ProcessGroups;
  isolation: Isolation;
}

/** Calls `then` once the socket's send queue is below the limit again (or it closed). */
function waitForDrain(socket: WebSocket, then: () => void): void {
  const check = () => {
    if (socket.readyState !== socket.OPEN || socket.bufferedAmount <= MAX_BUFFERED_BYTES / 2) {
      then();
      return;
    }
    setTimeout(check, 20);
  };
  setTimeout(check, 20);
}

function parseFrame(raw: RawData): TerminalClientFrame | undefined {
  try {
    const bytes = Array.isArray(raw)
      ? Buffer.concat(raw)
      : Buffer.isBuffer(raw)
        ? raw
        : Buffer.from(new Uint8Array(raw));
    const text = bytes.toString("utf8");
    const parsed = TerminalClientFrame.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
