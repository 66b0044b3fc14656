import { z } from "zod";
import { base64ToText } from "../core/base64.js";
import type { Transaction } from "../core/record.js";

/**
 * The payload of an `agent_msg` one agent sends another (canonical JSON, base64 in the
 * transaction): `send_message` sends a `message`; a spawned child's final answer returns to
 * its parent as a `task_result`, the transaction's `reference_tx_hash` naming the parent's
 * `spawn_agent` proposal.
 */
export const AgentMessage = z.strictObject({
  kind: z.enum(["message", "task_result"]),
  from_agent_id: z.string().regex(/^[0-9a-f]{64}$/),
  content: z.string(),
});
export type AgentMessage = z.infer<typeof AgentMessage>;

/**
 * The user-message text an inbound `agent_msg` starts a turn with: an envelope from another
 * agent says who sent it; any other payload (a client's `agent_msg`) is its text as it is.
 *
 * @example
 * inboundAgentMessageText(textToBase64('{"content":"hi","from_agent_id":"ab…","kind":"message"}'));
 * // "[message from agent ab…]\nhi"
 */
export function inboundAgentMessageText(payload: string): string {
  const text = base64ToText(payload);
  const envelope = parseEnvelope(text);
  if (!envelope) return text;
  const label =
    envelope.kind === "task_result" ? "result of the task given to agent" : "message from agent";
  return `[${label} ${envelope.from_agent_id}]\n${envelope.content}`;
}

function parseEnvelope(text: string): AgentMessage | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const parsed = AgentMessage.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text a turn's inbound transaction puts before the model: a prompt's text, or an
 * `agent_msg` as {@link inboundAgentMessageText} gives it.
 *
 * @example
 * inboundTurnText(prompt.tx); // "hello"
 */
export function inboundTurnText(tx: Pick<Transaction, "tx_type" | "payload">): string {
  return tx.tx_type === "agent_msg"
    ? inboundAgentMessageText(tx.payload)
    : base64ToText(tx.payload);
}
