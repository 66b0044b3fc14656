import { afterEach, describe, expect, it, vi } from "vitest";
import { getRecord, getVerify, mintToken, submitTx, waitForTx } from "./helpers.js";

afterEach(() => {
  vi.useRealTimers();
});

/** Drives one agent through the same transactions, in order, each waited for. */
async function drive(token: string, agentId: string): Promise<void> {
  const steps = [
    { kind: "user_prompt" as const, text: "first question" },
    { kind: "trigger" as const, text: "tick" },
    { kind: "user_prompt" as const, text: "second question" },
    { kind: "system" as const, text: '{"note":"ünïcødé"}' },
  ];
  for (const step of steps) {
    await waitForTx(token, agentId, await submitTx(token, { agent_id: agentId, ...step }));
  }
}

describe("determinism", () => {
  it("gives two fresh agents fed the same transactions and model answers byte-identical records", async () => {
    // Given a frozen clock (time enters the record only as recorded input) and the same agent
    // id in two orgs, which are two separate, fresh agents
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-26T00:00:00Z"));
    const agentId = "5a".repeat(32);
    const [tokenA, tokenB] = await Promise.all([
      mintToken({ org: "org-determinism-a" }),
      mintToken({ org: "org-determinism-b" }),
    ]);

    // When each is driven through the same transactions against the deterministic mock model
    await drive(tokenA, agentId);
    await drive(tokenB, agentId);

    // Then both records are the same, entry for entry and hash for hash, and both verify
    const [a, b] = [await getRecord(tokenA, agentId), await getRecord(tokenB, agentId)];
    expect(a.map((e) => e.tx.tx_type)).toEqual([
      "user_prompt",
      "reasoning",
      "agent_msg",
      "trigger",
      "user_prompt",
      "reasoning",
      "agent_msg",
      "system",
    ]);
    expect(b).toEqual(a);
    expect(b.map((e) => e.hash)).toEqual(a.map((e) => e.hash));
    expect((await getVerify(tokenA, agentId)).ok).toBe(true);
    expect((await getVerify(tokenB, agentId)).ok).toBe(true);
  });
});
