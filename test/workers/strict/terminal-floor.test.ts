import { beforeAll, describe, expect, it } from "vitest";
import {
  agentStub,
  bodyOf,
  createAgent,
  type ErrorResponse,
  getRecord,
  getVerify,
  mintToken,
  payloadJson,
  randomAgentId,
  upgradeTerminal,
} from "../helpers.js";
import { openSession } from "../stream-client.js";

// This file runs in the `workers-strict` project: the Worker is deployed with AURA_POLICY=strict.
const ORG = "org-terminal-floor";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "operator-test" });
});

function openTerminal(agentId: string): Promise<Response> {
  return upgradeTerminal({ token, agent_id: agentId });
}

describe("/ws/terminal on a strict deployment", () => {
  it("refuses the terminal of an agent with no policy of its own, with 403 naming the strict policy, and records it", async () => {
    const agentId = await createAgent(token);
    const refused = await openTerminal(agentId);
    expect(refused.status).toBe(403);
    const body = await bodyOf<ErrorResponse>(refused);
    expect(body.error).toMatchObject({
      code: "forbidden",
      details: { policy: "strict", tool: "terminal", permission: "ask_once" },
    });
    const entries = await getRecord(token, agentId);
    expect(entries.map((e) => payloadJson(e).type)).toEqual(["terminal_denied"]);
    expect(payloadJson(entries[0]!)).toMatchObject({ sub: "operator-test" });
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true });
  });

  it("holds the floor for an agent whose own policy allows the terminal", async () => {
    // Created behind the route, as an agent made before the operator raised the floor
    const agentId = randomAgentId();
    const created = await agentStub(ORG, agentId).create({
      org: ORG,
      agent_id: agentId,
      settings: { policy: { profile: "dev", tools: { terminal: "always_allow" } } },
      now: Date.now(),
    });
    expect(created.ok).toBe(true);
    expect((await openTerminal(agentId)).status).toBe(403);
  });

  it("opens once a watcher approves it", async () => {
    const agentId = await createAgent(token);
    const { client } = await openSession(token, agentId);
    const opening = openTerminal(agentId);
    const asked = await client.next("approval_request");
    expect(asked.tool).toBe("terminal");
    client.send({ type: "approval_response", tool_use_id: asked.tool_use_id, approved: true });
    const response = await opening;
    expect(response.status).toBe(101);
    response.webSocket?.accept();
    response.webSocket?.close(1000, "done");
    client.close();
  });
});
