import "@xterm/xterm/css/xterm.css";
import "./terminal.css";
import { useEffect, useRef, useState } from "preact/hooks";
import {
  inputFrame,
  parseTerminalFrame,
  type TerminalClientFrame,
  terminalUrl,
} from "./terminal-frames.js";
import type { MountedTerminal } from "./xterm-runtime.js";

/** A terminal the agent's policy waits on a person for (its `/stream` `approval_request`). */
export interface TerminalApproval {
  toolUseId: string;
  reason: string;
  /** `Date.now()` when the request arrived, to tell it from one of an earlier terminal. */
  at: number;
}

type Phase =
  | { kind: "waiting_stream" }
  | { kind: "connecting"; since: number }
  | { kind: "open" }
  | { kind: "ended"; message: string };

/**
 * The agent's terminal: xterm.js over `/ws/terminal`. Opened once the page's `/stream` is
 * live (under a policy that asks, the request goes to the sessions watching the agent: this
 * page is one). While the upgrade waits for a person, the tab shows the request with
 * **Approve** / **Deny**; the terminal follows its element's size.
 */
export function TerminalView({
  agentId,
  token,
  connected,
  approval,
  onApprove,
}: {
  agentId: string;
  token: string;
  /** The page's `/stream` is live. */
  connected: boolean;
  approval: TerminalApproval | undefined;
  onApprove(toolUseId: string, approved: boolean): void;
}) {
  const host = useRef<HTMLElement>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "waiting_stream" });
  const [attempt, setAttempt] = useState(0);
  const [started, setStarted] = useState(false);
  const [answered, setAnswered] = useState<{ toolUseId: string; approved: boolean }>();
  const denied = useRef(false);

  useEffect(() => {
    if (connected) setStarted(true);
  }, [connected]);

  useEffect(() => {
    const element = host.current;
    if (!started || !element) return;
    let disposed = false;
    let spawned = false;
    let opened = false;
    let term: MountedTerminal | undefined;
    const socket = new WebSocket(terminalUrl(agentId, token, location));
    const send = (frame: TerminalClientFrame) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    };
    setPhase({ kind: "connecting", since: Date.now() });
    setAnswered(undefined);
    denied.current = false;
    const mounted = import("./xterm-runtime.js").then(({ mountTerminal }) => {
      if (disposed) return undefined;
      element.replaceChildren();
      term = mountTerminal(element, {
        onData: (data) => {
          if (spawned) send(inputFrame(data));
        },
        onResize: (cols, rows) => {
          if (spawned) send({ type: "resize", cols, rows });
        },
      });
      return term;
    });
    mounted.catch(() => setPhase({ kind: "ended", message: "The terminal could not load." }));
    const resizes = new ResizeObserver(() => term?.fit());
    resizes.observe(element);
    socket.onopen = () => {
      opened = true;
      mounted.then((t) => {
        if (t) send({ type: "spawn", cols: t.cols, rows: t.rows });
      });
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== "string") return;
      const frame = parseTerminalFrame(event.data);
      if (frame.type === "spawned") {
        spawned = true;
        setPhase({ kind: "open" });
        mounted.then((t) => t?.focus());
      } else if (frame.type === "output") {
        mounted.then((t) => t?.write(frame.bytes));
      } else if (frame.type === "exit") {
        setPhase({ kind: "ended", message: `The shell exited (code ${frame.code ?? "?"}).` });
      } else {
        setPhase({ kind: "ended", message: `The terminal failed: ${frame.message}` });
      }
    };
    socket.onclose = (event: CloseEvent) => {
      if (disposed) return;
      setPhase((now) => {
        if (now.kind === "ended") return now;
        if (!opened && denied.current) {
          return { kind: "ended", message: "Denied: the terminal was not opened." };
        }
        if (!opened) {
          return {
            kind: "ended",
            message:
              "The terminal was not opened: the agent's policy refused it, a person denied it, " +
              "nobody answered in time, or the sandbox could not be reached (the agent's record " +
              "says which).",
          };
        }
        return { kind: "ended", message: `The terminal closed (code ${event.code}).` };
      });
    };
    return () => {
      disposed = true;
      resizes.disconnect();
      socket.close();
      mounted.then((t) => t?.dispose());
    };
  }, [agentId, token, started, attempt]);

  const asking =
    phase.kind === "connecting" &&
    approval !== undefined &&
    approval.at >= phase.since &&
    answered?.toolUseId !== approval.toolUseId
      ? approval
      : undefined;
  const answer = (approved: boolean) => {
    if (!asking) return;
    setAnswered({ toolUseId: asking.toolUseId, approved });
    denied.current = !approved;
    onApprove(asking.toolUseId, approved);
  };

  return (
    <div class="terminal-view">
      <div class="terminal-bar">
        <output aria-label="Terminal state" class={`terminal-state terminal-${phase.kind}`}>
          {phase.kind === "waiting_stream"
            ? "Waiting for the agent's connection…"
            : phase.kind === "connecting"
              ? asking
                ? "Waiting for approval"
                : answered
                  ? answered.approved
                    ? "Approved: opening…"
                    : "Denied"
                  : "Opening…"
              : phase.kind === "open"
                ? "Connected"
                : "Closed"}
        </output>
        {phase.kind === "ended" && (
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            New terminal
          </button>
        )}
      </div>
      {asking && (
        <div class="terminal-approval" role="alert">
          <p>
            This agent's policy asks a person before a terminal opens: <q>{asking.reason}</q>
          </p>
          <button type="button" class="primary" onClick={() => answer(true)}>
            Approve
          </button>
          <button type="button" class="danger" onClick={() => answer(false)}>
            Deny
          </button>
        </div>
      )}
      {phase.kind === "ended" && <p class="muted">{phase.message}</p>}
      <section ref={host} class="terminal-host" aria-label="Terminal" />
    </div>
  );
}
