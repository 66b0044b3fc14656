import type { z } from "zod";
import { CLIENT_FRAME_TYPES, ClientFrame, MAX_FRAME_BYTES } from "../protocol/stream.js";

/** A frame that is not a valid client frame, shaped as the `error` frame it becomes. */
export interface ParseError {
  code: "parse_error";
  message: string;
  recoverable: true;
}

/** A parsed client frame, or why the data is not one. */
export type ParseFrameResult = { ok: true; frame: ClientFrame } | { ok: false; error: ParseError };

/** Deepest JSON nesting accepted (tool schemas and arguments are far shallower). */
export const MAX_FRAME_DEPTH = 64;
/** Longest error message, so an error never echoes much of what it refuses. */
const MAX_MESSAGE_CHARS = 300;

/**
 * Parses one WebSocket message into a {@link ClientFrame}. Never throws: binary messages,
 * frames over {@link MAX_FRAME_BYTES}, text that is not JSON, JSON nested deeper than
 * {@link MAX_FRAME_DEPTH}, values that are not objects, unknown or missing `type`s and fields
 * of the wrong type or out of bounds all come back as a recoverable `parse_error` whose
 * message names the offending field.
 *
 * @example
 * parseClientFrame('{"type":"cancel"}'); // { ok: true, frame: { type: "cancel" } }
 * parseClientFrame('{"type":"user_message","content":7}').ok; // false
 * // error.message: 'user_message.content: Invalid input: expected string, received number'
 */
export function parseClientFrame(data: string | ArrayBuffer): ParseFrameResult {
  if (typeof data !== "string") return failure("binary frames are not accepted: send JSON text");
  if (byteLengthOver(data, MAX_FRAME_BYTES)) {
    return failure(`frame is larger than ${MAX_FRAME_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return failure("frame is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return failure("frame must be a JSON object with a 'type'");
  }
  if (depthOver(value, MAX_FRAME_DEPTH)) {
    return failure(`frame is nested deeper than ${MAX_FRAME_DEPTH} levels`);
  }
  const type: unknown = (value as { type?: unknown }).type;
  if (typeof type !== "string" || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
    return failure(`type: expected one of ${CLIENT_FRAME_TYPES.join(", ")}`);
  }
  try {
    const parsed = ClientFrame.safeParse(value);
    if (parsed.success) return { ok: true, frame: parsed.data };
    return failure(describeIssue(type, parsed.error.issues));
  } catch {
    return failure(`${type}: frame could not be checked`);
  }
}

/** `type.path: message` of the first issue, e.g. `session_init.installed_tools[0].endpoint: …`. */
function describeIssue(type: string, issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues[0];
  if (!issue) return `${type}: invalid frame`;
  let path = type;
  for (const key of issue.path) {
    if (typeof key === "number") path += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) path += `.${key}`;
    else path += `[${JSON.stringify(String(key))}]`;
  }
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${path}: ${issue.message}${more}`;
}

/** True when the UTF-8 encoding of `text` is longer than `limit` bytes. */
function byteLengthOver(text: string, limit: number): boolean {
  // A UTF-16 code unit takes 1 to 3 UTF-8 bytes, so only the middle range needs encoding.
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return new TextEncoder().encode(text).length > limit;
}

/** True when `value` nests arrays or objects deeper than `limit`; iterative, so never overflows. */
function depthOver(value: object, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top;
    if (depth > limit) return true;
    const children = Array.isArray(node) ? node : Object.values(node as object);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function failure(message: string): ParseFrameResult {
  const bounded =
    message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : message;
  return { ok: false, error: { code: "parse_error", message: bounded, recoverable: true } };
}
