import { decodeBase64, textToBase64 } from "../../../src/core/base64.js";

/** What the client sends on `/ws/terminal` (docs/protocol.md). */
export type TerminalClientFrame =
  | { type: "spawn"; cols: number; rows: number }
  | { type: "input"; data: string }
  | { type: "resize"; cols: number; rows: number };

/** What the sandbox sends back, decoded: output as bytes. */
export type TerminalServerEvent =
  | { type: "spawned"; pid?: number }
  | { type: "output"; bytes: Uint8Array }
  | { type: "exit"; code?: number }
  | { type: "error"; message: string };

/** The `input` frame of typed text (UTF-8, base64). */
export function inputFrame(text: string): TerminalClientFrame {
  return { type: "input", data: textToBase64(text) };
}

/**
 * Reads one server frame; anything unreadable is an `error` event saying so.
 *
 * @example
 * parseTerminalFrame('{"type":"output","data":"aGk="}'); // { type: "output", bytes: [104, 105] }
 */
export function parseTerminalFrame(text: string): TerminalServerEvent {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { type: "error", message: "the terminal sent a frame that is not JSON" };
  }
  if (typeof frame !== "object" || frame === null) {
    return { type: "error", message: "the terminal sent a frame that is not an object" };
  }
  const f = frame as Record<string, unknown>;
  switch (f.type) {
    case "spawned":
      return typeof f.pid === "number" ? { type: "spawned", pid: f.pid } : { type: "spawned" };
    case "output":
      if (typeof f.data !== "string") break;
      try {
        return { type: "output", bytes: decodeBase64(f.data) };
      } catch {
        return { type: "error", message: "the terminal sent output that is not base64" };
      }
    case "exit":
      return typeof f.code === "number" ? { type: "exit", code: f.code } : { type: "exit" };
    case "error":
      return {
        type: "error",
        message: [f.code, f.message].filter((x) => typeof x === "string").join(": ") || "error",
      };
  }
  return { type: "error", message: `the terminal sent an unknown frame (${String(f.type)})` };
}

/** The URL of the agent's terminal socket (the token as `?token=`, as for `/stream`). */
export function terminalUrl(agentId: string, token: string, where: Location): string {
  const scheme = where.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${where.host}/ws/terminal?agent_id=${agentId}&token=${encodeURIComponent(token)}`;
}
