import type { ContentBlock, ModelMessage } from "../reasoner/types.js";

/** How hard to compact: how many recent messages stay intact, and how long older blocks may be. */
export interface CompactionTier {
  /** The lowest context utilisation this tier applies at. */
  threshold: number;
  /** Messages at the end of the conversation that are never truncated. */
  keep_recent: number;
  /** Longest text or tool result (in characters) an older message keeps. */
  max_chars: number;
}

/**
 * The tiers of SPEC §7, most aggressive first. `max_chars` is this project's choice (SPEC
 * names only the thresholds and `keep_recent`): the fuller the context, the shorter older
 * blocks become.
 */
export const COMPACTION_TIERS: readonly CompactionTier[] = [
  { threshold: 0.85, keep_recent: 2, max_chars: 500 },
  { threshold: 0.7, keep_recent: 4, max_chars: 1000 },
  { threshold: 0.6, keep_recent: 6, max_chars: 2000 },
  { threshold: 0.3, keep_recent: 8, max_chars: 4000 },
];

/**
 * The compaction tier for a context utilisation (estimated context tokens over the context
 * window), or `null` below 0.30, where nothing is compacted.
 *
 * @example
 * selectCompactionTier(0.9)?.keep_recent; // 2
 * selectCompactionTier(0.1); // null
 */
export function selectCompactionTier(utilization: number): CompactionTier | null {
  return COMPACTION_TIERS.find((tier) => utilization >= tier.threshold) ?? null;
}

/**
 * Shortens `text` to at most `maxChars` characters by keeping its head and tail around a
 * marker that says how much was cut. Text already within the limit is returned unchanged, so
 * truncating twice with the same limit changes nothing.
 *
 * @example
 * truncateMiddle("a".repeat(10_000), 200).length <= 200; // true
 */
export function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const marker = (cut: number) => `\n…[${cut} characters truncated]…\n`;
  const room = Math.max(0, maxChars - marker(text.length).length);
  const head = Math.ceil(room / 2);
  const tail = room - head;
  const cut = text.length - head - tail;
  return `${text.slice(0, head)}${marker(cut)}${tail > 0 ? text.slice(-tail) : ""}`;
}

/**
 * Compacts a conversation for `tier`: in every message but the last `tier.keep_recent`, text
 * blocks, tool result contents and long string values inside tool call inputs are shortened
 * head+tail to `tier.max_chars`. Nothing is removed or reordered, so every `tool_use` keeps its
 * `tool_result`; thinking blocks stay verbatim (their signatures cover them). With `tier` null
 * the conversation is returned as it is.
 *
 * @example
 * compactMessages(messages, selectCompactionTier(0.9));
 */
export function compactMessages(
  messages: readonly ModelMessage[],
  tier: CompactionTier | null,
): ModelMessage[] {
  if (tier === null) return [...messages];
  const firstKept = Math.max(0, messages.length - tier.keep_recent);
  return messages.map((message, i) => (i >= firstKept ? message : compactMessage(message, tier)));
}

/** The message with its blocks shortened; the same object when none needs it. */
function compactMessage(message: ModelMessage, tier: CompactionTier): ModelMessage {
  let content: ContentBlock[] | undefined;
  message.content.forEach((block, i) => {
    const compacted = compactBlock(block, tier.max_chars);
    if (compacted === block && content === undefined) return;
    content ??= message.content.slice(0, i);
    content.push(compacted);
  });
  return content === undefined ? message : { role: message.role, content };
}

/** The block shortened to `maxChars`; the same object when it is short enough already. */
function compactBlock(block: ContentBlock, maxChars: number): ContentBlock {
  switch (block.type) {
    case "text": {
      const text = truncateMiddle(block.text, maxChars);
      return text === block.text ? block : { ...block, text };
    }
    case "tool_result": {
      const content = truncateMiddle(block.content, maxChars);
      return content === block.content ? block : { ...block, content };
    }
    case "tool_use":
      return hasLongString(block.input, maxChars)
        ? { ...block, input: truncateStrings(block.input, maxChars) }
        : block;
    case "thinking":
      return block;
  }
}

function hasLongString(value: Json, maxChars: number): boolean {
  if (typeof value === "string") return value.length > maxChars;
  if (Array.isArray(value)) return value.some((v) => hasLongString(v, maxChars));
  if (value !== null && typeof value === "object") {
    return Object.values(value).some((v) => v !== undefined && hasLongString(v, maxChars));
  }
  return false;
}

type Json = Extract<ContentBlock, { type: "tool_use" }>["input"];

function truncateStrings(value: Json, maxChars: number): Json {
  if (typeof value === "string") return truncateMiddle(value, maxChars);
  if (Array.isArray(value)) return value.map((v) => truncateStrings(v, maxChars));
  if (value !== null && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v !== undefined) out[key] = truncateStrings(v, maxChars);
    }
    return out;
  }
  return value;
}
