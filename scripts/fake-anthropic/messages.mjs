/**
 * Builds Messages API payloads — the JSON `Message` and the SSE event sequence of a streamed
 * one — from a scripted reply, the way the real API lays them out.
 */

/**
 * @typedef {{ type: "text", text: string }
 *   | { type: "thinking", thinking: string, signature?: string }
 *   | { type: "tool_use", id: string, name: string, input: unknown }} ReplyBlock
 * @typedef {{ input_tokens?: number, output_tokens?: number }} ReplyUsage
 * @typedef {{ content?: ReplyBlock[], stop_reason?: string, usage?: ReplyUsage, model?: string, id?: string }} Reply
 * @typedef {{ event: string, data: Record<string, unknown> }} SseEvent
 */

let counter = 0;

/**
 * The complete `Message` object the JSON endpoint returns.
 * @param {Reply} reply
 * @param {string} requestedModel the request's `model`, used when the reply names none
 * @returns {Record<string, unknown>}
 * @example
 * toMessage({ content: [{ type: "text", text: "hi" }] }, "claude-opus-4-6");
 */
export function toMessage(reply, requestedModel) {
  const content = reply.content ?? [{ type: "text", text: "Fake reply." }];
  return {
    id: reply.id ?? `msg_fake_${++counter}`,
    type: "message",
    role: "assistant",
    model: reply.model ?? requestedModel,
    content: content.map((block) =>
      block.type === "thinking" ? { signature: "", ...block } : { ...block },
    ),
    stop_reason: reply.stop_reason ?? defaultStopReason(content),
    stop_sequence: null,
    usage: usageOf(reply.usage),
  };
}

/**
 * The SSE events of a streamed reply, in wire order: `message_start`, `ping`, per block
 * `content_block_start` / `content_block_delta`… / `content_block_stop`, `message_delta`,
 * `message_stop`. Text and thinking arrive in several deltas, tool input as several
 * `input_json_delta` pieces, and a thinking block's signature as a `signature_delta`.
 * @param {Reply} reply
 * @param {string} requestedModel
 * @returns {SseEvent[]}
 */
export function toStreamEvents(reply, requestedModel) {
  const message = toMessage(reply, requestedModel);
  const content = /** @type {ReplyBlock[]} */ (message.content);
  const usage = /** @type {{ input_tokens: number, output_tokens: number }} */ (message.usage);
  /** @type {SseEvent[]} */
  const events = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: {
          ...message,
          content: [],
          stop_reason: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
    },
    { event: "ping", data: { type: "ping" } },
  ];
  content.forEach((block, index) => {
    events.push(event("content_block_start", { index, content_block: emptyBlock(block) }));
    for (const delta of deltasOf(block))
      events.push(event("content_block_delta", { index, delta }));
    events.push(event("content_block_stop", { index }));
  });
  events.push(
    event("message_delta", {
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    event("message_stop", {}),
  );
  return events;
}

/**
 * One event in the SSE wire format.
 * @param {SseEvent} e
 * @returns {string}
 */
export function formatSse(e) {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/**
 * Splits a string into `parts` pieces of roughly equal length (at least one piece).
 * @param {string} text
 * @param {number} parts
 * @returns {string[]}
 */
export function splitInto(text, parts) {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const pieces = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [""];
}

/**
 * @param {string} type
 * @param {Record<string, unknown>} fields
 * @returns {SseEvent}
 */
function event(type, fields) {
  return { event: type, data: { type, ...fields } };
}

/** @param {ReplyBlock} block */
function emptyBlock(block) {
  if (block.type === "text") return { type: "text", text: "" };
  if (block.type === "thinking") return { type: "thinking", thinking: "", signature: "" };
  return { type: "tool_use", id: block.id, name: block.name, input: {} };
}

/**
 * @param {ReplyBlock} block
 * @returns {Record<string, unknown>[]}
 */
function deltasOf(block) {
  if (block.type === "text") {
    return splitInto(block.text, 3).map((text) => ({ type: "text_delta", text }));
  }
  if (block.type === "thinking") {
    const deltas = splitInto(block.thinking, 2).map((thinking) => ({
      type: "thinking_delta",
      thinking,
    }));
    if (block.signature) deltas.push({ type: "signature_delta", signature: block.signature });
    return deltas;
  }
  return splitInto(JSON.stringify(block.input ?? {}), 3).map((partial_json) => ({
    type: "input_json_delta",
    partial_json,
  }));
}

/** @param {ReplyBlock[]} content */
function defaultStopReason(content) {
  return content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
}

/** @param {ReplyUsage | undefined} usage */
function usageOf(usage) {
  return {
    input_tokens: usage?.input_tokens ?? 10,
    output_tokens: usage?.output_tokens ?? 5,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}
