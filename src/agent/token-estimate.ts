import type { ContentBlock, ModelMessage, ToolDefinition } from "../reasoner/types.js";

/** Characters per token assumed by the estimates (a common rule of thumb for English and code). */
export const CHARS_PER_TOKEN = 4;

/** The characters a block puts in front of the model. */
export function blockChars(block: ContentBlock): number {
  switch (block.type) {
    case "text":
      return block.text.length;
    case "thinking":
      return block.thinking.length;
    case "tool_use":
      return block.name.length + JSON.stringify(block.input).length;
    case "tool_result":
      return block.content.length;
  }
}

/**
 * Estimated tokens of a prompt: its characters over {@link CHARS_PER_TOKEN}, rounded up.
 * Deterministic in its arguments; used where no measured `input_tokens` is known.
 *
 * @example
 * estimateTokens([{ role: "user", content: [{ type: "text", text: "abcdefgh" }] }]); // 2
 */
export function estimateTokens(
  messages: readonly ModelMessage[],
  system = "",
  tools: readonly ToolDefinition[] = [],
): number {
  let chars = system.length;
  for (const tool of tools) chars += toolChars(tool);
  for (const message of messages) chars += messageChars(message);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Characters a tool definition adds to a prompt (measured once per definition object). */
const toolCharCounts = new WeakMap<ToolDefinition, number>();

function toolChars(tool: ToolDefinition): number {
  let chars = toolCharCounts.get(tool);
  if (chars === undefined) {
    chars = tool.name.length + tool.description.length + JSON.stringify(tool.input_schema).length;
    toolCharCounts.set(tool, chars);
  }
  return chars;
}

/** Characters of each message, kept per message object while its content array is the same. */
const messageCharCounts = new WeakMap<
  ModelMessage,
  { content: readonly ContentBlock[]; chars: number }
>();

function messageChars(message: ModelMessage): number {
  const known = messageCharCounts.get(message);
  if (known !== undefined && known.content === message.content) return known.chars;
  let chars = 0;
  for (const block of message.content) chars += blockChars(block);
  messageCharCounts.set(message, { content: message.content, chars });
  return chars;
}
