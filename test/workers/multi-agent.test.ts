import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AgentDO } from "../../durable-objects/agent-do.js";
import type { RecordEntry } from "../../src/core/record.js";
import {
  agentStub,
  createAgent,
  evictAgents,
  getRecord,
  getVerify,
  mintToken,
  payloadJson,
  payloadText,
  submitTx,
  waitFor,
  waitForTx,
} from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";

const ORG = "org-multi";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Waits until the agent's record holds `n` entries of `type` and returns them. */
function waitForEntries(
  agentId: string,
  type: string,
  n: number,
  as = token,
): Promise<RecordEntry[]> {
  return waitFor(`${n} ${type} entries`, async () => {
    const found = (await getRecord(as, agentId)).filter((e) => e.tx.tx_type === type);
    return found.length >= n ? found : undefined;
  });
}

/** The result text of an agent's only tool execution. */
async function onlyExecution(agentId: string): Promise<Record<string, unknown>> {
  const [execution] = await waitForEntries(agentId, "tool_execution", 1);
  return payloadJson(execution!);
}

describe("send_message", () => {
  it("posts an agent_msg to another agent of the org, which answers it in a turn of its own", async () => {
    const receiver = await createAgent(token);
    scriptModel(({ opening, step, request }) => {
      if (opening !== "tell the receiver") return undefined;
      return step === 0
        ? toolCalls(request.model, [
            {
              id: "m1",
              name: "send_message",
              input: { agent_id: receiver, content: "hello there" },
            },
          ])
        : finalText(request.model, "told");
    });
    const sender = await createAgent(token);
    const txId = await submitTx(token, {
      agent_id: sender,
      kind: "user_prompt",
      text: "tell the receiver",
    });
    expect((await waitForTx(token, sender, txId)).status).toBe("processed");
    expect(await onlyExecution(sender)).toMatchObject({ decision: "approved", is_error: false });

    // The receiver admitted the message and ran a turn on it (the mock echoes it)
    const replies = await waitFor("the receiver's reply", async () => {
      const entries = await getRecord(token, receiver);
      return entries.length >= 3 ? entries : undefined;
    });
    expect(replies.map((e) => e.tx.tx_type)).toEqual(["agent_msg", "reasoning", "agent_msg"]);
    expect(payloadJson(replies[0]!)).toEqual({
      kind: "message",
      from_agent_id: sender,
      content: "hello there",
    });
    expect(payloadText(replies[2]!)).toBe(
      `Mock reply: [message from agent ${sender}]\nhello there`,
    );
    expect(await getVerify(token, receiver)).toMatchObject({ ok: true });
  });

  it("cannot reach an agent of another org: the call fails and nothing is created there", async () => {
    const otherToken = await mintToken({ org: "org-multi-other" });
    const foreign = await createAgent(otherToken);
    scriptModel(({ opening, step, request }) => {
      if (opening !== "cross the line") return undefined;
      return step === 0
        ? toolCalls(request.model, [
            { id: "x1", name: "send_message", input: { agent_id: foreign, content: "psst" } },
          ])
        : finalText(request.model, "refused");
    });
    const sender = await createAgent(token);
    await waitForTx(
      token,
      sender,
      await submitTx(token, { agent_id: sender, kind: "user_prompt", text: "cross the line" }),
    );
    const execution = await onlyExecution(sender);
    expect(execution).toMatchObject({ is_error: true });
    expect(JSON.stringify(execution.result)).toContain(`no agent ${foreign} in your organisation`);
    expect(await getRecord(otherToken, foreign)).toEqual([]);
  });
});

describe("spawn_agent", () => {
  it("gives a child agent the task; its final answer returns to the parent as an agent_msg referencing the spawn", async () => {
    scriptModel(({ opening, step, request }) => {
      const m = request.model;
      if (opening === "delegate the sum") {
        return step === 0
          ? toolCalls(m, [{ id: "sp1", name: "spawn_agent", input: { task: "add 2 and 3" } }])
          : finalText(m, "delegated");
      }
      if (opening === "add 2 and 3") return finalText(m, "5");
      return undefined; // the parent's turn on the child's answer: the mock's echo
    });
    const parent = await createAgent(token);
    const txId = await submitTx(token, {
      agent_id: parent,
      kind: "user_prompt",
      text: "delegate the sum",
    });
    await waitForTx(token, parent, txId);
    const spawn = await onlyExecution(parent);
    const child = (spawn.result as { metadata: { agent_id: string } }).metadata.agent_id;
    expect(child).toMatch(/^[0-9a-f]{64}$/);

    // The child ran the task in its own turn
    const childEntries = await waitForEntries(child, "agent_msg", 1);
    expect(payloadText(childEntries[0]!)).toBe("5");

    // And its answer came back to the parent, referencing the spawning proposal, and the
    // parent answered it in a turn of its own
    const parentMessages = await waitForEntries(parent, "agent_msg", 3);
    const result = parentMessages[1]!;
    const proposal = (await getRecord(token, parent)).find(
      (e) => e.tx.tx_type === "tool_proposal",
    )!;
    expect(result.tx.reference_tx_hash).toBe(proposal.tx.hash);
    expect(payloadJson(result)).toEqual({
      kind: "task_result",
      from_agent_id: child,
      content: "5",
    });
    expect(payloadText(parentMessages[2]!)).toBe(
      `Mock reply: [result of the task given to agent ${child}]\n5`,
    );
    expect(await getVerify(token, parent)).toMatchObject({ ok: true });
    expect(await getVerify(token, child)).toMatchObject({ ok: true });
  });

  it("chains three agents asynchronously: a spawned child messages a third agent and still answers its parent", async () => {
    const third = await createAgent(token);
    scriptModel(({ opening, step, request }) => {
      const m = request.model;
      if (opening === "organise") {
        return step === 0
          ? toolCalls(m, [{ id: "sp", name: "spawn_agent", input: { task: "notify the third" } }])
          : finalText(m, "organised");
      }
      if (opening === "notify the third") {
        return step === 0
          ? toolCalls(m, [
              { id: "n", name: "send_message", input: { agent_id: third, content: "ping" } },
            ])
          : finalText(m, "notified");
      }
      return undefined;
    });
    const first = await createAgent(token);
    await submitTx(token, { agent_id: first, kind: "user_prompt", text: "organise" });
    const thirdEntries = await waitForEntries(third, "agent_msg", 2);
    expect(payloadJson(thirdEntries[0]!)).toMatchObject({ kind: "message", content: "ping" });
    const firstMessages = await waitForEntries(first, "agent_msg", 3);
    expect(payloadJson(firstMessages[1]!)).toMatchObject({
      kind: "task_result",
      content: "notified",
    });
  });

  it("keeps a child's answer it could not deliver and delivers it once, from storage, after an eviction", async () => {
    // Given a parent whose first delivery attempt of the child's answer fails
    const original = AgentDO.prototype.admit;
    let refused = 0;
    vi.spyOn(AgentDO.prototype, "admit").mockImplementation(async function (this: AgentDO, input) {
      if (input.idempotency_key?.startsWith("task_result:") && refused === 0) {
        refused++;
        throw new Error("parent unreachable");
      }
      return original.call(this, input);
    });
    scriptModel(({ opening, step, request }) => {
      const m = request.model;
      if (opening === "spawn and wait") {
        return step === 0
          ? toolCalls(m, [{ id: "sp", name: "spawn_agent", input: { task: "quick task" } }])
          : finalText(m, "spawned");
      }
      return undefined;
    });
    const parent = await createAgent(token);
    await waitForTx(
      token,
      parent,
      await submitTx(token, { agent_id: parent, kind: "user_prompt", text: "spawn and wait" }),
    );
    const child = ((await onlyExecution(parent)).result as { metadata: { agent_id: string } })
      .metadata.agent_id;
    await waitForEntries(child, "agent_msg", 1);
    await waitFor("the refused delivery", async () => (refused === 1 ? true : undefined));

    // When the child is evicted before any retry, and only its alarm runs
    await evictAgents();
    await runDurableObjectAlarm(agentStub(ORG, child));

    // Then the answer reaches the parent exactly once
    const messages = await waitForEntries(parent, "agent_msg", 3);
    const results = messages.filter((e) => payloadText(e).includes('"task_result"'));
    expect(results).toHaveLength(1);
    await runDurableObjectAlarm(agentStub(ORG, child));
    const after = (await getRecord(token, parent)).filter((e) =>
      payloadText(e).includes('"task_result"'),
    );
    expect(after).toHaveLength(1);
  });
});
