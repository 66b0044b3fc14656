import { canonicalJson } from "../core/canonical-json.js";
import { blake3Hex, hashCanonical } from "../core/hash.js";
import type { ContentBlock, ModelMessage, ModelRequest, ToolDefinition } from "./types.js";

/** Canonical texts of content blocks already serialised; blocks are never mutated. */
const blockTexts = new WeakMap<ContentBlock, string>();
/** Canonical texts of tool definitions (the catalog's are shared objects, never mutated). */
const toolTexts = new WeakMap<ToolDefinition, string>();

/** The request's keys in canonical (sorted) order; `messages` is serialised block by block. */
const KEYS = [
  "max_tokens",
  "messages",
  "model",
  "system",
  "temperature",
  "thinking_budget",
  "tools",
] as const;
const KNOWN = new Set<string>(KEYS);

/**
 * `BLAKE3(canonical(request))`, the digest a reasoning entry records — always equal to
 * `hashCanonical(request)` — with each content block and tool definition serialised once per
 * object, so a conversation that grows turn by turn is not re-serialised in full for every
 * model call.
 *
 * @example
 * requestDigest(request) === hashCanonical(request); // always
 */
export function requestDigest(request: ModelRequest): string {
  if (Object.keys(request).some((key) => !KNOWN.has(key))) return hashCanonical(request);
  const members: string[] = [];
  for (const key of KEYS) {
    const value = request[key];
    if (value === undefined) continue;
    const text =
      key === "messages"
        ? messagesText(request.messages)
        : key === "tools"
          ? toolsText(request.tools ?? [])
          : canonicalJson(value);
    members.push(`${JSON.stringify(key)}:${text}`);
  }
  return blake3Hex(`{${members.join(",")}}`);
}

function messagesText(messages: readonly ModelMessage[]): string {
  const parts = messages.map(
    (m) => `{"content":[${m.content.map(blockText).join(",")}],"role":${JSON.stringify(m.role)}}`,
  );
  return `[${parts.join(",")}]`;
}

function toolsText(tools: readonly ToolDefinition[]): string {
  return `[${tools.map(toolText).join(",")}]`;
}

function toolText(tool: ToolDefinition): string {
  let text = toolTexts.get(tool);
  if (text === undefined) {
    text = canonicalJson(tool);
    toolTexts.set(tool, text);
  }
  return text;
}

function blockText(block: ContentBlock): string {
  let text = blockTexts.get(block);
  if (text === undefined) {
    text = canonicalJson(block);
    blockTexts.set(block, text);
  }
  return text;
}
