import { bytesToHex } from "@noble/hashes/utils.js";
import { type Blake3, createBlake3 } from "../core/blake3-fast.js";
import { canonicalJson } from "../core/canonical-json.js";
import { hashCanonical } from "../core/hash.js";
import type { ContentBlock, ModelMessage, ModelRequest, ToolDefinition } from "./types.js";

/** Canonical texts of content blocks already serialised; blocks are never mutated. */
const blockTexts = new WeakMap<ContentBlock, string>();
/** Canonical texts of messages, with the content array they were made from. */
const messageTexts = new WeakMap<
  ModelMessage,
  { content: readonly ContentBlock[]; text: string }
>();
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
 * `hashCanonical(request)` — computed incrementally: each content block, message and tool
 * definition is serialised once per object, and the hash state after a request's messages is
 * kept, so the next request that extends the same messages (the next model call of the
 * conversation) hashes only what was added, not the whole conversation again.
 *
 * @example
 * requestDigest(request) === hashCanonical(request); // always
 */
export function requestDigest(request: ModelRequest): string {
  if (Object.keys(request).some((key) => !KNOWN.has(key))) return hashCanonical(request);
  const before: string[] = [];
  const after: string[] = [];
  for (const key of KEYS) {
    const value = request[key];
    if (value === undefined || key === "messages") continue;
    const text = key === "tools" ? toolsText(request.tools ?? []) : canonicalJson(value);
    (key < "messages" ? before : after).push(`${JSON.stringify(key)}:${text}`);
  }
  const head = `{${before.map((m) => `${m},`).join("")}"messages":[`;
  const tail = `]${after.map((m) => `,${m}`).join("")}}`;
  return bytesToHex(messagesDigest(head, request.messages, tail));
}

/**
 * Where hashing a conversation can resume: the last request's messages, and the hash states
 * after its last two messages. The last one serves the next call of the same turn; the one
 * before it (the end of the conversation the turn started from) serves the next turn, whose
 * conversation holds new objects for this turn's messages. One per conversation, keyed by
 * its first message, so what is kept stays proportional to the conversation.
 */
interface Resume {
  head: string;
  /** The messages absorbed, in order; a state is valid only for exactly these objects. */
  messages: readonly ModelMessage[];
  states: Array<{ length: number; state: Blake3 }>;
}

const resumes = new WeakMap<ModelMessage, Resume>();
/** States kept per conversation after its last messages, and carried over from before. */
const KEPT = 2;
const encoder = new TextEncoder();

/**
 * BLAKE3 of `head`, the messages' canonical texts joined by commas, then `tail` — resuming
 * from the longest run of leading messages whose state is kept.
 */
function messagesDigest(head: string, messages: readonly ModelMessage[], tail: string): Uint8Array {
  const first = messages[0];
  let state: Blake3 | undefined;
  let from = 0;
  // States still valid for these messages are carried over (the turn's start among them).
  let states: Resume["states"] = [];
  const known = first === undefined ? undefined : resumes.get(first);
  if (known !== undefined && known.head === head) {
    const common = commonLength(known.messages, messages);
    states = known.states.filter((s) => s.length <= common).slice(-KEPT);
    const usable = states.at(-1);
    if (usable !== undefined) {
      state = usable.state.clone();
      from = usable.length;
    }
  }
  if (state === undefined) state = createBlake3().update(encoder.encode(head));
  for (let i = from; i < messages.length; i++) {
    const text = messageText(messages[i]!);
    state.update(encoder.encode(i === 0 ? text : `,${text}`));
    if (i >= messages.length - KEPT) states.push({ length: i + 1, state: state.clone() });
  }
  if (first !== undefined && from < messages.length) {
    resumes.set(first, { head, messages: messages.slice(), states });
  }
  return state.update(encoder.encode(tail)).digest();
}

/** How many leading messages two runs share, object for object. */
function commonLength(a: readonly ModelMessage[], b: readonly ModelMessage[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * A message's canonical text, kept per message object while its content array is the same
 * (messages are not mutated; the check guards a caller that replaces `content`).
 */
function messageText(message: ModelMessage): string {
  const known = messageTexts.get(message);
  if (known !== undefined && known.content === message.content) return known.text;
  const text = `{"content":[${message.content.map(blockText).join(",")}],"role":${JSON.stringify(message.role)}}`;
  messageTexts.set(message, { content: message.content, text });
  return text;
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
