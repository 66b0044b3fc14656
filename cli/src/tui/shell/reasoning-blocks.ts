import { z } from "zod";
import type { RecordEntry } from "../../../../src/core/record.js";
import type { AssistantBlock } from "../chat-state.js";

/** The part of a `reasoning` payload the chat shows: the model's answer content. */
const ReasoningPayload = z.object({
  response: z
    .object({
      content: z.array(
        z.union([
          z.object({ type: z.literal("text"), text: z.string() }),
          z.object({ type: z.literal("thinking"), thinking: z.string() }),
          z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string() }),
          z.object({ type: z.string() }),
        ]),
      ),
    })
    .nullish(),
});

/**
 * What a `reasoning` entry's model answer shows as: its text, thinking and tool calls in
 * order (and the tool calls, for their cards). Undefined for other entries or payloads.
 *
 * @example
 * const shown = blocksOfReasoningEntry(entry); // { blocks: [{ kind: "text", text: "Hi" }], tools: [] }
 */
export function blocksOfReasoningEntry(
  entry: Pick<RecordEntry, "tx">,
): { blocks: AssistantBlock[]; tools: { id: string; name: string }[] } | undefined {
  if (entry.tx.tx_type !== "reasoning") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(entry.tx.payload, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = ReasoningPayload.safeParse(json);
  if (!parsed.success) return undefined;
  const blocks: AssistantBlock[] = [];
  const tools: { id: string; name: string }[] = [];
  for (const part of parsed.data.response?.content ?? []) {
    if ("text" in part && part.type === "text") blocks.push({ kind: "text", text: part.text });
    else if ("thinking" in part && part.type === "thinking") {
      blocks.push({ kind: "thinking", text: part.thinking });
    } else if ("id" in part && part.type === "tool_use") {
      blocks.push({ kind: "tool", toolUseId: part.id });
      tools.push({ id: part.id, name: part.name });
    }
  }
  return { blocks, tools };
}
