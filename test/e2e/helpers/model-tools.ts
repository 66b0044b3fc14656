import { z } from "zod";
import type { FakeAnthropic } from "../../../scripts/fake-anthropic/server.mjs";
import { textToBase64 } from "../../../src/core/base64.js";
import { TxStatus } from "../../../src/protocol/tx.js";
import { type client, eventually, expectShape } from "./api.js";

/** What a tool call gave back to the model: the `tool_result` block's text and flag. */
export interface ToolOutcome {
  content: string;
  is_error: boolean;
  /** The turn's final status (`processed` when it ran to its end). */
  status: TxStatus;
}

const Accepted = z.object({ tx_id: z.string() });
const Approvals = z.object({
  approvals: z.array(z.object({ tool_use_id: z.string(), tool: z.string() })),
});
const ToolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.object({ text: z.string().optional() }))]),
  is_error: z.boolean().optional(),
});

let calls = 0;

/**
 * Tool calls made the way a model makes them: the fake Anthropic server is scripted to
 * answer the next prompt with one `tool_use` block, then with text; the prompt goes in
 * through `POST /tx`, and what the tool returned is read back from the model request that
 * carried its `tool_result`. Under `strict` a parked call is answered through
 * `POST /agents/:id/approvals/:tool_use_id` (`approve`, default true).
 *
 * @example
 * const tools = modelTools(fake, api);
 * const out = await tools.call(agentId, "run_command", { command: "id -u" });
 */
export function modelTools(fake: FakeAnthropic, api: ReturnType<typeof client>) {
  async function call(
    agentId: string,
    tool: string,
    input: Record<string, unknown>,
    { approve = true } = {},
  ): Promise<ToolOutcome> {
    calls += 1;
    const id = `toolu_attack_${calls}`;
    fake.script([
      {
        kind: "reply",
        content: [{ type: "tool_use", id, name: tool, input }],
        stop_reason: "tool_use",
      },
      { kind: "reply", content: [{ type: "text", text: "done" }] },
    ]);
    const sent = await api.post("/tx", {
      agent_id: agentId,
      kind: "user_prompt",
      payload: textToBase64(`please run ${tool}`),
    });
    if (sent.status !== 202) throw new Error(`POST /tx answered ${sent.status}`);
    const { tx_id } = expectShape(Accepted, sent.body);
    const status = await eventually(async () => {
      const pending = expectShape(Approvals, (await api.get(`/agents/${agentId}/approvals`)).body);
      for (const ask of pending.approvals) {
        if (ask.tool_use_id === id) {
          await api.post(`/agents/${agentId}/approvals/${id}`, { approved: approve });
        }
      }
      const s = expectShape(TxStatus, (await api.get(`/tx/status/${agentId}/${tx_id}`)).body);
      return s.status === "pending" ? undefined : s;
    });
    return { ...resultOf(fake, id), status };
  }
  return { call };
}

function resultOf(fake: FakeAnthropic, toolUseId: string): Omit<ToolOutcome, "status"> {
  for (const request of fake.requests()) {
    const messages = (request.body as { messages?: Array<{ content: unknown }> }).messages ?? [];
    for (const message of messages) {
      if (!Array.isArray(message.content)) continue;
      for (const block of message.content) {
        const parsed = ToolResultBlock.safeParse(block);
        if (!parsed.success || parsed.data.tool_use_id !== toolUseId) continue;
        const { content, is_error } = parsed.data;
        const text =
          typeof content === "string" ? content : content.map((c) => c.text ?? "").join("");
        return { content: text, is_error: is_error ?? false };
      }
    }
  }
  throw new Error(`no tool_result for ${toolUseId} reached the model`);
}
