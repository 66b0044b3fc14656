import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  getRecord,
  getTxStatus,
  getVerify,
  mintToken,
  randomAgentId,
  submitTx,
  waitForHead,
  waitForTx,
} from "./helpers.js";
import { holdModelCalls } from "./model-spy.js";

let token: string;

beforeAll(async () => {
  token = await mintToken({ org: "org-admission-order" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("committing on admission", () => {
  it("commits a trigger sent to an idle agent before answering 202", async () => {
    // Given an idle agent with nothing queued
    const agentId = randomAgentId();

    // When a trigger is admitted
    const txId = await submitTx(token, { agent_id: agentId, kind: "trigger", text: "tick" });

    // Then its entry is already committed when the answer arrives
    expect(await getTxStatus(token, agentId, txId)).toEqual({
      tx_id: txId,
      status: "processed",
      seq: 1,
    });
  });

  it("queues transactions that arrive during a turn and commits them after the turn, in admission order", async () => {
    // Given an agent whose turn waits on its model call
    const agentId = randomAgentId();
    const model = holdModelCalls();
    const prompt = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "p" });
    await waitForHead(token, agentId, 1);

    // When a trigger and a system transaction arrive meanwhile
    const trigger = await submitTx(token, { agent_id: agentId, kind: "trigger", text: "t" });
    const system = await submitTx(token, { agent_id: agentId, kind: "system", text: "s" });

    // Then they wait in the inbox
    expect((await getTxStatus(token, agentId, trigger)).status).toBe("pending");
    expect((await getTxStatus(token, agentId, system)).status).toBe("pending");

    // And once the turn ends they follow its reply, in the order they were admitted
    model.release();
    await waitForTx(token, agentId, system);
    const types = (await getRecord(token, agentId)).map((e) => [e.tx.tx_type, e.tx.hash]);
    expect(types.map(([type]) => type)).toEqual([
      "user_prompt",
      "reasoning",
      "agent_msg",
      "trigger",
      "system",
    ]);
    expect(types[0]?.[1]).toBe(prompt);
    expect(types[3]?.[1]).toBe(trigger);
    expect(types[4]?.[1]).toBe(system);
    expect((await getVerify(token, agentId)).ok).toBe(true);
  });
});
