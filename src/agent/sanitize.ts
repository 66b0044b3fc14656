import type { ContentBlock, ModelMessage } from "../reasoner/types.js";
import { errorResult, type ToolResultBlock } from "./tool-executor.js";

/** The error result given to a `tool_use` whose result is missing from the conversation. */
export const MISSING_RESULT = "error: this tool call has no recorded result";

/**
 * Makes a conversation acceptable to the Messages API, deterministically and without losing
 * what the model said:
 *
 * 1. empty text blocks are dropped, then messages with no content;
 * 2. consecutive messages of the same role are merged into one;
 * 3. the user message after an assistant message with `tool_use` blocks starts with exactly
 *    one `tool_result` per `tool_use`, in the same order (the first result given for an id
 *    wins); a missing result becomes an error result, and a user message is inserted when
 *    there is none;
 * 4. a `tool_result` answering no `tool_use` of the message just before it (an orphan, or a
 *    duplicate) becomes a text block quoting it.
 *
 * The input is not modified, and a message that needs no change is returned as the same
 * object, so what is derived per message object (its serialised text, its size) is reused
 * from one model call to the next.
 *
 * @example
 * sanitizeMessages([
 *   { role: "user", content: [{ type: "text", text: "a" }] },
 *   { role: "user", content: [{ type: "text", text: "b" }] },
 * ]); // one user message with both blocks
 */
export function sanitizeMessages(messages: readonly ModelMessage[]): ModelMessage[] {
  const merged = mergeSameRole(dropEmpty(messages));
  const out: ModelMessage[] = [];
  for (let i = 0; i < merged.length; i++) {
    const message = merged[i]!;
    const previous = out.at(-1);
    if (message.role === "user") {
      out.push(pairResults(toolUseIds(previous), message));
      continue;
    }
    out.push(message);
    const ids = toolUseIds(message);
    if (ids.length > 0 && merged[i + 1]?.role !== "user") {
      out.push(pairResults(ids, { role: "user", content: [] }));
    }
  }
  return out;
}

function isEmptyText(block: ContentBlock): boolean {
  return block.type === "text" && block.text === "";
}

function dropEmpty(messages: readonly ModelMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    if (!message.content.some(isEmptyText)) {
      if (message.content.length > 0) out.push(message);
      continue;
    }
    const content = message.content.filter((b) => !isEmptyText(b));
    if (content.length > 0) out.push({ role: message.role, content });
  }
  return out;
}

function mergeSameRole(messages: readonly ModelMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    const last = out.at(-1);
    if (last !== undefined && last.role === message.role) {
      out[out.length - 1] = { role: last.role, content: [...last.content, ...message.content] };
    } else {
      out.push(message);
    }
  }
  return out;
}

const NO_IDS: readonly string[] = Object.freeze([]);

function toolUseIds(message: ModelMessage | undefined): readonly string[] {
  if (message === undefined || message.role !== "assistant") return NO_IDS;
  let ids: string[] | undefined;
  for (const block of message.content) {
    if (block.type !== "tool_use") continue;
    ids ??= [];
    ids.push(block.id);
  }
  return ids ?? NO_IDS;
}

/**
 * A user message answering `ids` in order, followed by its other blocks: `message` itself when
 * it already is one.
 */
function pairResults(ids: readonly string[], message: ModelMessage): ModelMessage {
  if (isPaired(ids, message.content)) return message;
  const { content } = message;
  const found = new Map<string, ToolResultBlock>();
  const rest: ContentBlock[] = [];
  for (const block of content) {
    if (block.type !== "tool_result") {
      rest.push(block);
    } else if (ids.includes(block.tool_use_id) && !found.has(block.tool_use_id)) {
      found.set(block.tool_use_id, block);
    } else {
      rest.push({ type: "text", text: orphanText(block) });
    }
  }
  const results = ids.map((id) => found.get(id) ?? errorResult(id, MISSING_RESULT));
  return { role: "user", content: [...results, ...rest] };
}

/** True when `content` starts with one result per id, in order, and has no other result. */
function isPaired(ids: readonly string[], content: readonly ContentBlock[]): boolean {
  if (content.length < ids.length) return false;
  if (ids.length > 1 && new Set(ids).size !== ids.length) return false;
  for (let i = 0; i < content.length; i++) {
    const block = content[i]!;
    if (i < ids.length) {
      if (block.type !== "tool_result" || block.tool_use_id !== ids[i]) return false;
    } else if (block.type === "tool_result") {
      return false;
    }
  }
  return true;
}

function orphanText(block: ToolResultBlock): string {
  const status = block.is_error === true ? " (error)" : "";
  return `[result of tool call ${block.tool_use_id}${status}]\n${block.content}`;
}
