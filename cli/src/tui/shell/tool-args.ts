import { z } from "zod";
import type { RecordEntry } from "../../../../src/core/record.js";

/** The part of a `tool_proposal` payload a card needs (docs/protocol.md, tool calls). */
const ProposalPayload = z.object({
  tool_use_id: z.string(),
  tool: z.string(),
  args: z.unknown(),
});

/**
 * The tool call a `tool_proposal` entry records, or undefined for any other entry or a
 * payload that is not one.
 *
 * @example
 * const call = toolCallOfEntry(entry); // { toolUseId: "toolu_1", tool: "write_file", args: { path, content } }
 */
export function toolCallOfEntry(
  entry: Pick<RecordEntry, "tx">,
): { toolUseId: string; tool: string; args: unknown } | undefined {
  if (entry.tx.tx_type !== "tool_proposal") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(entry.tx.payload, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = ProposalPayload.safeParse(json);
  if (!parsed.success) return undefined;
  return { toolUseId: parsed.data.tool_use_id, tool: parsed.data.tool, args: parsed.data.args };
}
