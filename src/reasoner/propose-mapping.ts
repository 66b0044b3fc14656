import { base64ToText } from "../core/base64.js";
import type { Proposal } from "../core/record.js";
import { DEFAULT_WINDOW_SIZE } from "../kernel/version.js";
import {
  DEFAULT_MAX_PROPOSALS,
  DEFAULT_PROPOSE_TOKENS,
  type ProposeRequest,
  type WindowItem,
} from "../protocol/propose.js";
import type { ModelRequest, ModelResponse } from "./types.js";

/** Entries of the window rendered into the prompt: the most recent ones. */
export const RENDERED_WINDOW = DEFAULT_WINDOW_SIZE;

/** Characters of each entry's payload kept in the rendering. */
export const RENDERED_PAYLOAD_CHARS = 200;

/**
 * One line per window item, oldest first: `#<seq> <tx_type>: <payload text> [<action kinds>]`.
 * Only the last {@link RENDERED_WINDOW} items are rendered; payloads are clipped to
 * {@link RENDERED_PAYLOAD_CHARS} characters with line breaks folded to spaces.
 *
 * @example
 * renderRecordWindow([{ seq: 1, tx_type: "user_prompt", payload_summary: "hi" }]); // "#1 user_prompt: hi"
 */
export function renderRecordWindow(window: readonly WindowItem[]): string {
  if (window.length === 0) return "(empty)";
  const shown = window.slice(-RENDERED_WINDOW);
  const lines = shown.map((item) => {
    const [txType, text, kinds] =
      "tx" in item
        ? [item.tx.tx_type, base64ToText(item.tx.payload), item.actions.map((a) => a.kind)]
        : [item.tx_type, item.payload_summary ?? "", item.action_kinds ?? []];
    const suffix = kinds.length > 0 ? ` [${kinds.join(", ")}]` : "";
    return `#${item.seq} ${txType}: ${clip(text)}${suffix}`;
  });
  const omitted = window.length - shown.length;
  return [...(omitted > 0 ? [`(${omitted} earlier entries omitted)`] : []), ...lines].join("\n");
}

/**
 * The model request for one proposal call: the system prompt names the agent and the
 * transaction and carries the rendered record window; the one user message is the
 * transaction's payload decoded as UTF-8 (a placeholder when it is empty, since the
 * Messages API refuses empty text).
 */
export function buildModelRequest(request: ProposeRequest, model: string): ModelRequest {
  const { tx } = request;
  const prompt = base64ToText(tx.payload);
  const system = [
    `You propose the next actions of agent ${request.agent_id}.`,
    `Incoming transaction: ${tx.tx_type} (tx ${tx.hash}, ts_ms ${tx.ts_ms}).`,
    "Recent record, oldest first:",
    renderRecordWindow(request.record_window),
  ].join("\n");
  return {
    model,
    system,
    messages: [
      { role: "user", content: [{ type: "text", text: prompt || `(empty ${tx.tx_type})` }] },
    ],
    max_tokens: request.limits.max_tokens ?? DEFAULT_PROPOSE_TOKENS,
  };
}

/**
 * Maps a model answer to proposals, in this order:
 * 1. the text blocks, joined, become one `reason` proposal `{text}` (none when blank);
 * 2. each `tool_use` block becomes a `decide` proposal whose payload is a ToolProposal
 *    `{tool_use_id, tool, args}`, in block order.
 * Thinking blocks propose nothing. The list is cut to `maxProposals`; `dropped` counts the rest.
 *
 * @example
 * toProposals(response, 8); // { proposals: [{ action_kind: "reason", payload: { text: "…" } }], dropped: 0 }
 */
export function toProposals(
  response: ModelResponse,
  maxProposals: number = DEFAULT_MAX_PROPOSALS,
): { proposals: Proposal[]; dropped: number } {
  const text = response.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  const all: Proposal[] = [];
  if (text.trim() !== "") all.push({ action_kind: "reason", payload: { text } });
  for (const block of response.content) {
    if (block.type !== "tool_use") continue;
    all.push({
      action_kind: "decide",
      payload: { tool_use_id: block.id, tool: block.name, args: block.input },
      rationale: `model called tool ${block.name}`,
    });
  }
  const proposals = all.slice(0, maxProposals);
  return { proposals, dropped: all.length - proposals.length };
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > RENDERED_PAYLOAD_CHARS ? `${flat.slice(0, RENDERED_PAYLOAD_CHARS)}…` : flat;
}
