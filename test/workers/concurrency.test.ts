import { afterEach, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import {
  getRecord,
  getVerify,
  mintToken,
  payloadText,
  postTx,
  randomAgentId,
  waitForHead,
} from "./helpers.js";
import { slowModelCalls } from "./model-spy.js";

const PROMPTS = 200;
/** Each user prompt records its inbound entry, one reasoning entry and the reply. */
const ENTRIES_PER_TURN = 3;

afterEach(() => {
  vi.restoreAllMocks();
});

it("admits 200 concurrent prompts to one agent and records them gap-free, one turn at a time", async () => {
  // Given an agent id nobody has used, and model calls that take time, so prompts keep
  // arriving while a turn waits on the model
  const token = await mintToken({ org: "org-concurrency" });
  const agentId = randomAgentId();
  const model = slowModelCalls(2);

  // When 200 prompts are posted to it at once
  const responses = await Promise.all(
    Array.from({ length: PROMPTS }, (_, i) =>
      postTx(token, { agent_id: agentId, kind: "user_prompt", text: `prompt ${i}` }),
    ),
  );

  // Then every one is admitted with its own transaction id
  expect(responses.map((r) => r.status)).toEqual(Array(PROMPTS).fill(202));
  const txIds = await Promise.all(
    responses.map(async (r) => ((await r.json()) as { tx_id: string }).tx_id),
  );
  expect(new Set(txIds).size).toBe(PROMPTS);

  // And the record ends up holding exactly 200 inbound entries, seq 1..600 without a gap
  const total = PROMPTS * ENTRIES_PER_TURN;
  const head = await waitForHead(token, agentId, total, 60_000);
  expect(head.head_seq).toBe(total);
  const entries = await getRecord(token, agentId, { limit: 1000 });
  expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));

  const inbound = entries.filter((e) => e.tx.reference_tx_hash === undefined);
  expect(inbound).toHaveLength(PROMPTS);
  expect(new Set(inbound.map((e) => e.tx.hash))).toEqual(new Set(txIds));

  // And turns never interleave: each prompt is followed by its own reasoning and reply
  for (let i = 0; i < entries.length; i += ENTRIES_PER_TURN) {
    const [prompt, reasoning, reply] = entries.slice(i, i + ENTRIES_PER_TURN) as [
      RecordEntry,
      RecordEntry,
      RecordEntry,
    ];
    expect(prompt.tx.tx_type).toBe("user_prompt");
    expect(reasoning.tx).toMatchObject({ tx_type: "reasoning", reference_tx_hash: prompt.tx.hash });
    expect(reply.tx).toMatchObject({ tx_type: "agent_msg", reference_tx_hash: prompt.tx.hash });
    expect(payloadText(reply)).toBe(`Mock reply: ${payloadText(prompt)}`);
  }

  // And the model was called once per prompt, and the whole chain verifies
  expect(model).toHaveBeenCalledTimes(PROMPTS);
  expect(await getVerify(token, agentId)).toEqual({ ok: true, head_seq: total, checked: total });
});
