import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import type { AgentSummary } from "../../src/protocol/agents.js";
import {
  bodyOf,
  call,
  createAgent,
  type ErrorResponse,
  getHead,
  getRecord,
  mintToken,
  nowSeconds,
  payloadJson,
  randomAgentId,
  submitTx,
  unsignedToken,
  waitFor,
  waitForTx,
} from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";

/** Every authenticated route, as a template. */
const PROTECTED_ROUTES: Array<[string, string]> = [
  ["POST", "/tx"],
  ["GET", "/tx/status/:agent_id/:tx_id"],
  ["GET", "/agents"],
  ["POST", "/agents"],
  ["GET", "/agents/:agent_id/head"],
  ["GET", "/agents/:agent_id/record"],
  ["GET", "/agents/:agent_id/verify"],
  ["POST", "/agents/:agent_id/pause"],
  ["POST", "/agents/:agent_id/resume"],
  ["GET", "/agents/:agent_id/approvals"],
  ["POST", "/agents/:agent_id/approvals/:tool_use_id"],
];

/** A route template with well-formed ids in place of its parameters. */
function concretePath(template: string): string {
  return template
    .replace(":agent_id", randomAgentId())
    .replace(":tx_id", randomAgentId())
    .replace(":tool_use_id", "toolu_1");
}

describe("authentication", () => {
  it("serves GET /health without a token", async () => {
    const response = await call("GET", "/health");

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", version: pkg.version });
  });

  it.each(
    PROTECTED_ROUTES,
  )("refuses %s %s without a token with 401 unauthorized", async (method, template) => {
    const response = await call(
      method,
      concretePath(template),
      method === "POST" ? { json: {} } : {},
    );

    expect(response.status).toBe(401);
    expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("unauthorized");
  });

  const badTokens: Array<[string, () => Promise<string> | string]> = [
    ["an expired token", () => mintToken({ org: "org-auth", exp: nowSeconds() - 60 })],
    [
      "a token signed with another secret",
      () => mintToken({ org: "org-auth" }, "another-secret-of-enough-length-0123456789"),
    ],
    ["an alg:none token", () => unsignedToken({ org: "org-auth" })],
    ["a token that is not a JWT", () => "not.a.jwt"],
  ];

  it.each(badTokens)("refuses %s with 401 unauthorized", async (_name, makeToken) => {
    // Given a token the Worker must not trust
    const token = await makeToken();

    // When it is used on an authenticated route
    const response = await call("GET", "/agents", { token });

    // Then the request is refused
    expect(response.status).toBe(401);
    expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("unauthorized");
  });

  it("accepts a valid token on the same route", async () => {
    const token = await mintToken({ org: "org-auth" });

    const response = await call("GET", "/agents", { token });

    expect(response.status).toBe(200);
  });
});

describe("org isolation", () => {
  let tokenA: string;
  let tokenB: string;
  let agentId: string;
  let txId: string;

  beforeAll(async () => {
    tokenA = await mintToken({ org: "org-a", sub: "alice" });
    tokenB = await mintToken({ org: "org-b", sub: "bob" });
    agentId = randomAgentId();
    txId = await submitTx(tokenA, { agent_id: agentId, kind: "trigger", text: "org A only" });
    await waitForTx(tokenA, agentId, txId);
  });

  it.each([
    ["GET", "head"],
    ["GET", "record"],
    ["GET", "verify"],
    ["POST", "pause"],
    ["POST", "resume"],
  ])("answers %s /agents/:id/%s of another org's agent with 404", async (method, action) => {
    // When org B addresses org A's agent
    const response = await call(method, `/agents/${agentId}/${action}`, { token: tokenB });

    // Then the agent does not exist for org B
    expect(response.status).toBe(404);
    expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("not_found");
  });

  it("answers another org's transaction status with 404", async () => {
    const response = await call("GET", `/tx/status/${agentId}/${txId}`, { token: tokenB });

    expect(response.status).toBe(404);
  });

  it("does not list another org's agents", async () => {
    // When each org lists its agents
    const listA = await bodyOf<AgentSummary[]>(await call("GET", "/agents", { token: tokenA }));
    const listB = await bodyOf<AgentSummary[]>(await call("GET", "/agents", { token: tokenB }));

    // Then only the owner sees the agent
    expect(listA.map((a) => a.agent_id)).toContain(agentId);
    expect(listB.map((a) => a.agent_id)).not.toContain(agentId);
  });

  it("keeps a transaction org B posts to the same agent id out of org A's record", async () => {
    // When org B posts to the same agent id
    const txB = await submitTx(tokenB, { agent_id: agentId, kind: "trigger", text: "org B" });
    await waitForTx(tokenB, agentId, txB);

    // Then org A's agent is untouched and still active; org B got an agent of its own
    const headA = await getHead(tokenA, agentId);
    expect(headA.head_seq).toBe(1);
    expect(headA.status).toBe("active");
    expect((await getRecord(tokenA, agentId)).map((e) => e.tx.hash)).toEqual([txId]);
    expect((await getRecord(tokenB, agentId)).map((e) => e.tx.hash)).toEqual([txB]);
  });
});

describe("org isolation of approvals", () => {
  const opening = "org A's command";
  const command = { command: "echo org-a > approved.txt" };
  let tokenA: string;
  let tokenB: string;
  let agentId: string;

  beforeAll(async () => {
    tokenA = await mintToken({ org: "org-a-approvals", sub: "alice" });
    tokenB = await mintToken({ org: "org-b-approvals", sub: "bob" });
    scriptModel(({ opening: o, step, request }) => {
      if (o !== opening) return undefined;
      if (step === 0)
        return toolCalls(request.model, [{ id: "ask1", name: "run_command", input: command }]);
      return finalText(request.model, "done");
    });
    // A strict agent of org A whose turn is parked on an approval
    agentId = await createAgent(tokenA, { policy: "strict" });
    await submitTx(tokenA, { agent_id: agentId, kind: "user_prompt", text: opening });
    await waitFor("org A's turn to park on an approval", async () => {
      const last = (await getRecord(tokenA, agentId)).at(-1);
      return last?.tx.tx_type === "tool_proposal" &&
        payloadJson(last).decision === "pending_approval"
        ? true
        : undefined;
    });
  });

  afterAll(() => {
    vi.restoreAllMocks();
  });

  it("answers GET /agents/:id/approvals of another org's agent with 404", async () => {
    const response = await call("GET", `/agents/${agentId}/approvals`, { token: tokenB });

    expect(response.status).toBe(404);
    expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("not_found");
  });

  it.each([
    ["approve", true],
    ["deny", false],
  ])("refuses to %s another org's pending call with 404 and leaves it pending", async (_verb, approved) => {
    // When org B answers the call org A's agent waits on
    const response = await call("POST", `/agents/${agentId}/approvals/ask1`, {
      token: tokenB,
      json: { approved },
    });

    // Then the agent does not exist for org B, and org A's call still waits, unanswered
    expect(response.status).toBe(404);
    expect((await bodyOf<ErrorResponse>(response)).error.code).toBe("not_found");
    const listed = await bodyOf<{ approvals: Array<{ tool_use_id: string }> }>(
      await call("GET", `/agents/${agentId}/approvals`, { token: tokenA }),
    );
    expect(listed.approvals.map((a) => a.tool_use_id)).toEqual(["ask1"]);
    const types = (await getRecord(tokenA, agentId)).map((e) => e.tx.tx_type);
    expect(types).not.toContain("action_result");
    expect(types).not.toContain("tool_execution");
  });
});
