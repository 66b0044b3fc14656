import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  agentStub,
  bodyOf,
  call,
  type ErrorResponse,
  getRecord,
  mintToken,
  payloadJson,
  randomAgentId,
  submitTx,
  waitFor,
} from "../helpers.js";
import { finalText, scriptModel, toolCalls } from "../scripted-model.js";

// This file runs in the `workers-strict` project: the Worker is deployed with AURA_POLICY=strict.
const ORG = "org-policy-floor";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "operator-test" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Creates an agent straight through its object, as one created before the floor rose. */
async function createBehindTheRoute(settings: object): Promise<string> {
  const agentId = randomAgentId();
  const created = await agentStub(ORG, agentId).create({
    org: ORG,
    agent_id: agentId,
    settings,
    now: Date.now(),
  });
  expect(created.ok).toBe(true);
  return agentId;
}

/** The last entry's tool proposal, once the turn has recorded one. */
function waitForProposal(agentId: string): Promise<Record<string, unknown>> {
  return waitFor("a tool proposal", async () => {
    const proposal = (await getRecord(token, agentId)).find(
      (e) => e.tx.tx_type === "tool_proposal",
    );
    return proposal ? payloadJson(proposal) : undefined;
  });
}

describe("AURA_POLICY=strict is a floor", () => {
  it("refuses to create an agent that asks for a looser policy, naming policy and the floor", async () => {
    for (const policy of ["dev", { profile: "dev" }, { allow_unlisted: true }] as const) {
      const response = await call("POST", "/agents", { token, json: { policy } });
      expect(response.status).toBe(400);
      const body = await bodyOf<ErrorResponse>(response);
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toMatch(/^policy: .*AURA_POLICY=strict/);
    }
    const perTool = await call("POST", "/agents", {
      token,
      json: { policy: { tools: { run_command: "always_allow" } } },
    });
    expect(perTool.status).toBe(400);
    expect((await bodyOf<ErrorResponse>(perTool)).error.message).toBe(
      "policy: tools.run_command: always_allow is looser than always_ask, the level AURA_POLICY=strict sets",
    );
  });

  it("creates an agent whose policy is the floor or stricter", async () => {
    for (const policy of [
      "strict",
      { tools: { run_command: "deny" } },
      { allow_unlisted: false },
    ]) {
      const response = await call("POST", "/agents", { token, json: { policy } });
      expect(response.status).toBe(201);
    }
  });

  it("parks run_command for approval for an agent created with policy dev", async () => {
    // Given an agent whose own setting says dev, created before the operator raised the floor
    scriptModel(({ opening, step, request }) => {
      if (opening !== "run it anyway") return undefined;
      return step === 0
        ? toolCalls(request.model, [{ id: "fl1", name: "run_command", input: { command: "id" } }])
        : finalText(request.model, "done");
    });
    const agentId = await createBehindTheRoute({ policy: "dev" });

    // When its model runs a command
    await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "run it anyway" });

    // Then the call waits for a person, and nothing ran
    const proposal = await waitForProposal(agentId);
    expect(proposal).toMatchObject({
      tool_use_id: "fl1",
      tool: "run_command",
      decision: "pending_approval",
    });
    const pending = await bodyOf<{ approvals: unknown[] }>(
      await call("GET", `/agents/${agentId}/approvals`, { token }),
    );
    expect(pending.approvals).toHaveLength(1);
    const types = (await getRecord(token, agentId)).map((e) => e.tx.tx_type);
    expect(types).not.toContain("tool_execution");
  });

  it("parks run_command for an agent whose per-tool override allows it", async () => {
    scriptModel(({ opening, step, request }) => {
      if (opening !== "override it") return undefined;
      return step === 0
        ? toolCalls(request.model, [{ id: "fl2", name: "run_command", input: { command: "id" } }])
        : finalText(request.model, "done");
    });
    const agentId = await createBehindTheRoute({
      policy: { profile: "dev", tools: { run_command: "always_allow" }, allow_unlisted: true },
    });
    await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "override it" });
    expect(await waitForProposal(agentId)).toMatchObject({
      tool: "run_command",
      decision: "pending_approval",
      reason: "run_command needs approval for every call",
    });
  });
});
