import { afterEach, describe, expect, it, vi } from "vitest";
import {
  bodyOf,
  createAgent,
  type ErrorResponse,
  payloadText,
  postTx,
  submitTx,
  waitFor,
  waitForHead,
} from "../helpers.js";
import { holdModelCalls } from "../model-spy.js";
import { openSession } from "../stream-client.js";
import { freshOrg, recordOf, setPaused, waitProcessed } from "./backpressure-helpers.js";
import { LIMITS } from "./limits.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Seconds `retry-after` says for a full active agent, and for a full paused one. */
const ACTIVE_RETRY_AFTER = "2";
const PAUSED_RETRY_AFTER = "30";

describe("the inbox limit (AURA_INBOX_LIMIT)", () => {
  it("answers a flood past the limit with 429 rate_limited and retry-after, and processes every 202, gap-free", async () => {
    // Given an agent whose turn is open, waiting on its model call
    const { org, token } = await freshOrg();
    const agentId = await createAgent(token);
    const model = holdModelCalls();
    const first = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "first" });
    await waitForHead(token, agentId, 1);

    // When a flood of prompts arrives at once
    const flood = await Promise.all(
      Array.from({ length: 5 * LIMITS.inbox }, (_, i) =>
        postTx(token, { agent_id: agentId, kind: "user_prompt", text: `flood ${i}` }),
      ),
    );

    // Then exactly the limit's worth is admitted and every other one is refused, with no 5xx
    const accepted = flood.filter((r) => r.status === 202);
    const refused = flood.filter((r) => r.status === 429);
    expect(accepted).toHaveLength(LIMITS.inbox);
    expect(refused).toHaveLength(flood.length - LIMITS.inbox);
    for (const response of refused) {
      expect(response.headers.get("retry-after")).toBe(ACTIVE_RETRY_AFTER);
      expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("rate_limited");
    }
    const admitted = [first];
    for (const response of accepted) {
      admitted.push((await bodyOf<{ tx_id: string }>(response)).tx_id);
    }

    // And once the model answers, every admitted prompt is processed
    model.release();
    await waitProcessed(org, agentId, admitted);

    // And the record holds exactly the admitted prompts, the first first, in a gap-free chain
    const entries = await recordOf(org, agentId);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const prompts = entries.filter((e) => e.tx.tx_type === "user_prompt").map((e) => e.tx.hash);
    expect(prompts[0]).toBe(first);
    expect([...prompts].sort()).toEqual([...admitted].sort());
  });

  it("counts a paused agent's queue, records nothing refused, and admits again once it drains", async () => {
    // Given a paused agent with a full queue
    const { org, token } = await freshOrg();
    const agentId = await createAgent(token);
    await setPaused(token, agentId, true);
    const queued: string[] = [];
    for (let i = 0; i < LIMITS.inbox; i++) {
      queued.push(await submitTx(token, { agent_id: agentId, kind: "trigger", text: `q${i}` }));
    }

    // When one more transaction is submitted
    const over = await postTx(token, { agent_id: agentId, kind: "trigger", text: "over" });

    // Then it is refused with a longer retry-after (nothing drains while paused)
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe(PAUSED_RETRY_AFTER);
    expect((await bodyOf<ErrorResponse>(over)).error.code).toBe("rate_limited");

    // And after resuming, the queued ones are processed and the refused one was never recorded
    await setPaused(token, agentId, false);
    await waitProcessed(org, agentId, queued);
    const texts = (await recordOf(org, agentId)).map(payloadText);
    expect(texts).toEqual(Array.from({ length: LIMITS.inbox }, (_, i) => `q${i}`));

    // And with the queue drained, the next submission is admitted
    const again = await submitTx(token, { agent_id: agentId, kind: "trigger", text: "again" });
    await waitProcessed(org, agentId, [again]);
  });

  it("answers a retry of an admitted idempotency key with its tx_id even while the queue is full", async () => {
    // Given a paused agent whose full queue holds a keyed transaction
    const { token } = await freshOrg();
    const agentId = await createAgent(token);
    await setPaused(token, agentId, true);
    const keyed = {
      agent_id: agentId,
      kind: "trigger" as const,
      text: "k",
      idempotency_key: "k-1",
    };
    const txId = await submitTx(token, keyed);
    for (let i = 1; i < LIMITS.inbox; i++) {
      await submitTx(token, { agent_id: agentId, kind: "trigger", text: `q${i}` });
    }

    // When the client retries the keyed submission
    const retry = await postTx(token, keyed);

    // Then it is the same transaction, not a refusal
    expect(retry.status).toBe(202);
    expect((await bodyOf<{ tx_id: string }>(retry)).tx_id).toBe(txId);
  });

  it("refuses a user_message to a full agent with an error frame rate_limited and records nothing", async () => {
    // Given a paused agent with a full queue and a session on it
    const { org, token } = await freshOrg();
    const agentId = await createAgent(token);
    await setPaused(token, agentId, true);
    const queued: string[] = [];
    for (let i = 0; i < LIMITS.inbox; i++) {
      queued.push(await submitTx(token, { agent_id: agentId, kind: "trigger", text: `q${i}` }));
    }
    const { client } = await openSession(token, agentId, {}, { awaitRecord: false });

    // When the client sends a message
    client.send({ type: "user_message", content: "one too many" });

    // Then it is refused, recoverably, as rate_limited
    const error = await client.next("error");
    expect(error.code).toBe("rate_limited");
    expect(error.recoverable).toBe(true);
    client.close();

    // And once resumed, the record holds the queue and the session, never the message
    await setPaused(token, agentId, false);
    await waitProcessed(org, agentId, queued);
    const entries = await waitFor("the session_start to be recorded", async () => {
      const all = await recordOf(org, agentId);
      return all.some((e) => e.tx.tx_type === "session_start") ? all : undefined;
    });
    expect(entries.map((e) => e.tx.tx_type)).not.toContain("user_prompt");
    expect(entries.map(payloadText)).not.toContain("one too many");
  });
});
