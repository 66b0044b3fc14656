import type { ChalkInstance } from "chalk";
import type { ServerFrame } from "../../../src/protocol/stream.js";
import type { StreamEvent } from "../api/stream-session.js";

/**
 * How the line REPL shows one event on a terminal: text to write as is (`inline`, the model's
 * streamed text), a whole line, or nothing.
 *
 * @example
 * eventText({ kind: "frame", frame: { type: "text_delta", text: "Hi" } }, color, opts);
 * // { inline: "Hi" }
 */
export function eventText(
  event: StreamEvent,
  color: ChalkInstance,
  opts: { showRecord: boolean },
): { inline: string } | { line: string } | undefined {
  if (event.kind === "state") {
    switch (event.state) {
      case "reconnecting":
        return {
          line: color.yellow(`… connection lost; reconnecting (attempt ${event.attempt ?? 1})`),
        };
      case "closed":
        return { line: color.red(`connection closed${event.reason ? `: ${event.reason}` : ""}`) };
      default:
        return undefined;
    }
  }
  return frameText(event.frame, color, opts);
}

function frameText(
  frame: ServerFrame,
  color: ChalkInstance,
  opts: { showRecord: boolean },
): { inline: string } | { line: string } | undefined {
  switch (frame.type) {
    case "session_ready":
      return { line: color.dim(`session ${frame.session_id} on agent ${frame.agent_id}`) };
    case "assistant_message_start":
      return undefined;
    case "text_delta":
      return { inline: frame.text };
    case "thinking_delta":
      return { inline: color.dim(frame.thinking) };
    case "tool_use_start":
      return { line: color.cyan(`⚙ ${frame.name} (${frame.id})`) };
    case "tool_result": {
      const first = frame.result.split("\n").find((l) => l.trim() !== "") ?? "";
      const mark = frame.is_error ? color.red("✗") : color.green("✓");
      return { line: `${mark} ${frame.name}: ${clip(first, 200)}` };
    }
    case "approval_request":
      return {
        line: color.yellow(
          `? ${frame.tool} wants to run ${clip(JSON.stringify(frame.args), 300)} (${frame.reason})`,
        ),
      };
    case "assistant_message_end": {
      const files = frame.files_changed;
      const changed = files.created.length + files.modified.length + files.deleted.length;
      const usage = `${frame.usage.input_tokens} in / ${frame.usage.output_tokens} out`;
      const parts = [
        frame.stop_reason,
        usage,
        ...(changed > 0 ? [`${changed} file(s) changed`] : []),
      ];
      return { line: color.dim(`[${parts.join(" · ")}]`) };
    }
    case "error":
      return { line: color.red(`error ${frame.code}: ${frame.message}`) };
    case "record":
      return opts.showRecord
        ? { line: color.dim(`#${frame.seq} ${frame.tx_type} ${frame.hash.slice(0, 12)}`) }
        : undefined;
  }
}

/**
 * An event as the JSON-lines mode prints it: a frame as the server sent it, a connection
 * change as `{"type":"connection","state",…}`.
 *
 * @example
 * eventJson({ kind: "state", state: "open" }); // { type: "connection", state: "open" }
 */
export function eventJson(event: StreamEvent): Record<string, unknown> {
  if (event.kind === "frame") return event.frame;
  const { kind: _kind, ...rest } = event;
  return { type: "connection", ...rest };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
