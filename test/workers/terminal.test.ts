import { beforeAll, describe, expect, it } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import {
  bodyOf,
  call,
  createAgent,
  type ErrorResponse,
  getRecord,
  getVerify,
  mintToken,
  payloadJson,
  upgradeTerminal,
  waitFor,
} from "./helpers.js";
import { openSession } from "./stream-client.js";

const ORG = "org-terminal";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "tess" });
});

function openTerminal(agentId: string, as = token): Promise<Response> {
  return upgradeTerminal({ token: as, agent_id: agentId });
}

/** Spawns a shell on an accepted terminal socket, echoes a marker through it, then closes it. */
async function echoThrough(response: Response): Promise<Array<{ type: string }>> {
  const ws = response.webSocket;
  expect(ws, `the upgrade answered ${response.status}`).toBeTruthy();
  ws!.accept();
  let output = "";
  const frames: Array<{ type: string }> = [];
  const seen = new Promise<void>((resolve) => {
    ws!.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data)) as { type: string; data?: string };
      frames.push(frame);
      if (frame.type === "output" && frame.data) output += atob(frame.data);
      if (output.includes("terminal-ok-42")) resolve();
    });
  });
  ws!.send(JSON.stringify({ type: "spawn", cols: 80, rows: 24 }));
  ws!.send(JSON.stringify({ type: "input", data: btoa("echo terminal-ok-$((40+2))\n") }));
  await seen;
  ws!.close(1000, "done");
  return frames;
}

/** The terminal events the record holds (`system` entries with a `terminal_*` type), in order. */
function terminalEvents(entries: RecordEntry[]): Array<Record<string, unknown>> {
  return entries
    .filter((e) => e.tx.tx_type === "system")
    .map(payloadJson)
    .filter((p) => String(p.type).startsWith("terminal_"));
}

/** Waits until the record holds `count` terminal events, and returns them. */
function waitForTerminalEvents(agentId: string, count: number) {
  return waitFor(`${count} terminal entries`, async () => {
    const events = terminalEvents(await getRecord(token, agentId));
    return events.length >= count ? events : undefined;
  });
}

async function expectRefused(response: Response, policy: string): Promise<ErrorResponse> {
  expect(response.status).toBe(403);
  expect(response.webSocket).toBeFalsy();
  const body = await bodyOf<ErrorResponse>(response);
  expect(body.error.code).toBe("forbidden");
  expect(body.error.message).toContain(`${policy} policy`);
  return body;
}

describe("/ws/terminal under the dev policy", () => {
  it("opens a shell through the Worker, runs what it is sent, and records who opened it and when it closed", async () => {
    const agentId = await createAgent(token);
    const frames = await echoThrough(await openTerminal(agentId));
    expect(frames[0]?.type).toBe("spawned");

    const [opened, closed] = await waitForTerminalEvents(agentId, 2);
    expect(opened).toMatchObject({
      type: "terminal_opened",
      sub: "tess",
      permission: "always_allow",
    });
    expect(closed).toMatchObject({
      type: "terminal_closed",
      terminal_id: opened?.terminal_id,
      sub: "tess",
      closed_by: "client",
      code: 1000,
    });
    expect(closed?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true, head_seq: 2 });
  });

  it("refuses a plain request, a missing agent, and another org's agent", async () => {
    const agentId = await createAgent(token);
    const plain = await call("GET", `/ws/terminal?agent_id=${agentId}`, { token });
    expect(plain.status).toBe(400);
    const missing = await openTerminal("0".repeat(64));
    expect(missing.status).toBe(404);
    const stranger = await mintToken({ org: "org-terminal-other" });
    const foreign = await openTerminal(agentId, stranger);
    expect(foreign.status).toBe(404);
    const anonymous = await upgradeTerminal({ agent_id: agentId });
    expect(anonymous.status).toBe(401);
    expect(await getRecord(token, agentId)).toEqual([]);
  });
});

describe("/ws/terminal under the strict policy", () => {
  it("refuses the upgrade with 403 when nobody watches the agent to approve it, and records the refusal", async () => {
    const agentId = await createAgent(token, { policy: "strict" });
    const body = await expectRefused(await openTerminal(agentId), "strict");
    expect(body.error.message).toContain("no /stream client watches the agent");

    const entries = await getRecord(token, agentId);
    expect(terminalEvents(entries)).toEqual([
      expect.objectContaining({ type: "terminal_denied", sub: "tess", permission: "ask_once" }),
    ]);
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true, head_seq: 1 });
  });

  it("refuses the upgrade at once when only reference clients watch: none of them is sent approval_request", async () => {
    const agentId = await createAgent(token, { policy: "strict" });
    const { client } = await openSession(token, agentId, {}, { extensions: false });
    const body = await expectRefused(await openTerminal(agentId), "strict");
    expect(body.error.message).toContain("no /stream client watches the agent");
    expect(client.frames.map((f) => f.type)).toEqual(["session_ready"]);
    client.close();
  });

  it("asks the agent's watchers, opens once approved through the approvals route, and opens a second terminal of the session without asking", async () => {
    // Given a strict agent a person watches
    const agentId = await createAgent(token, { policy: "strict" });
    const { client } = await openSession(token, agentId);

    // When a terminal is asked for, the watcher is asked and the approvals route lists it
    const opening = openTerminal(agentId);
    const asked = await client.next("approval_request");
    expect(asked).toMatchObject({ tool: "terminal", args: {} });
    expect(asked.reason).toContain("terminal needs approval once per session");
    const listed = await bodyOf(await call("GET", `/agents/${agentId}/approvals`, { token }));
    expect(listed).toEqual({
      agent_id: agentId,
      approvals: [
        { tool_use_id: asked.tool_use_id, tool: "terminal", args: {}, reason: asked.reason },
      ],
    });
    const answered = await call("POST", `/agents/${agentId}/approvals/${asked.tool_use_id}`, {
      token,
      json: { approved: true },
    });
    expect(answered.status).toBe(200);

    // Then the terminal opens and works, and a second one opens without a new question
    await echoThrough(await opening);
    const asksBefore = client.frames.filter((f) => f.type === "approval_request").length;
    await echoThrough(await openTerminal(agentId));
    expect(client.frames.filter((f) => f.type === "approval_request")).toHaveLength(asksBefore);

    const events = await waitForTerminalEvents(agentId, 5);
    expect(events.map((e) => e.type)).toEqual([
      "terminal_requested",
      "terminal_opened",
      "terminal_closed",
      "terminal_opened",
      "terminal_closed",
    ]);
    expect(events[1]).toMatchObject({ reason: "approved by tess", permission: "ask_once" });
    expect(events[3]).toMatchObject({
      reason: "terminal approved earlier in this session",
      sub: "tess",
    });
    const entries = await getRecord(token, agentId);
    const approval = entries.find((e) => e.tx.tx_type === "action_result");
    expect(payloadJson(approval!)).toEqual({
      kind: "approval",
      tool_use_id: asked.tool_use_id,
      tool: "terminal",
      approved: true,
      approver: "tess",
    });
    expect(await bodyOf(await call("GET", `/agents/${agentId}/approvals`, { token }))).toEqual({
      agent_id: agentId,
      approvals: [],
    });
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true });
    client.close();
  });

  it("opens once a watcher approves with approval_response on its socket", async () => {
    const agentId = await createAgent(token, { policy: "strict" });
    const { client } = await openSession(token, agentId);
    const opening = openTerminal(agentId);
    const asked = await client.next("approval_request");
    client.send({ type: "approval_response", tool_use_id: asked.tool_use_id, approved: true });
    await echoThrough(await opening);
    expect((await waitForTerminalEvents(agentId, 3)).map((e) => e.type)).toEqual([
      "terminal_requested",
      "terminal_opened",
      "terminal_closed",
    ]);
    client.close();
  });

  it("refuses the upgrade with 403 when the watcher denies it, records the answer and the refusal, and asks again next time", async () => {
    const agentId = await createAgent(token, { policy: "strict" });
    const { client } = await openSession(token, agentId);
    const opening = openTerminal(agentId);
    const asked = await client.next("approval_request");
    client.send({ type: "approval_response", tool_use_id: asked.tool_use_id, approved: false });
    const body = await expectRefused(await opening, "strict");
    expect(body.error.message).toContain("denied by tess");

    const entries = await getRecord(token, agentId);
    expect(terminalEvents(entries).map((e) => [e.type, e.reason])).toEqual([
      ["terminal_requested", asked.reason],
      ["terminal_denied", "denied by tess"],
    ]);
    const answer = entries.find((e) => e.tx.tx_type === "action_result");
    expect(payloadJson(answer!)).toMatchObject({ tool: "terminal", approved: false });

    // A second answer to the same request is refused: nothing waits on it any more
    const late = await call("POST", `/agents/${agentId}/approvals/${asked.tool_use_id}`, {
      token,
      json: { approved: true },
    });
    expect(late.status).toBe(404);

    // The refusal is not remembered as an approval: the next opening asks again
    const again = openTerminal(agentId);
    const second = await client.next("approval_request", {
      where: (f) => f.tool_use_id !== asked.tool_use_id,
    });
    client.send({ type: "approval_response", tool_use_id: second.tool_use_id, approved: false });
    expect((await again).status).toBe(403);
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true });
    client.close();
  });

  it("refuses the terminal outright when the agent's policy denies the tool", async () => {
    const agentId = await createAgent(token, { policy: { tools: { terminal: "deny" } } });
    const body = await expectRefused(await openTerminal(agentId), "dev");
    expect(body.error.message).toContain("policy denies terminal");
    expect(terminalEvents(await getRecord(token, agentId))).toEqual([
      expect.objectContaining({ type: "terminal_denied", permission: "deny" }),
    ]);
  });
});
