import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../src/protocol/stream.js";
import { MockProvider } from "../../src/reasoner/mock.js";
import { auraHeaders } from "../../src/reasoner/proxy.js";
import type { ModelCallContext, ModelCallOptions, ModelRequest } from "../../src/reasoner/types.js";
import {
  createAgent,
  getRecord,
  mintToken,
  payloadJson,
  payloadText,
  wakeFreshInstance,
} from "./helpers.js";
import { recordModelRequests } from "./model-spy.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";
import { openSession, openStream, type StreamClient } from "./stream-client.js";

const ORG = "org-reference-compat";
/** A project-agent id as a reference client sends it (the billing id). */
const BILLING_ID = "6f1c2a4e-0b7d-4c55-9a3e-2f8d1e0c9b71";
/** The frame types only clients that opted in may get. */
const EXTENSION_TYPES = ["record", "approval_request"];
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ref" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The context of every model call the agents make, in order (the mock still answers). */
function recordCallContexts(): Array<ModelCallContext | undefined> {
  const contexts: Array<ModelCallContext | undefined> = [];
  const original = MockProvider.prototype.complete;
  vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async function (
    this: MockProvider,
    request: ModelRequest,
    ...rest: unknown[]
  ) {
    contexts.push((rest[0] as ModelCallOptions | undefined)?.context);
    return original.call(this, request);
  });
  return contexts;
}

/** The `session_start` entry a session recorded, decoded. */
async function sessionStart(agentId: string, sessionId: string) {
  const starts = (await getRecord(token, agentId)).filter((e) => e.tx.tx_type === "session_start");
  return starts.map((e) => payloadJson(e)).find((p) => p.session_id === sessionId);
}

function types(client: StreamClient, from = 0): string[] {
  return client.frames.slice(from).map((f) => f.type);
}

describe("reference clients on /stream", () => {
  it("maps an absolute host project_path to the same folder of the agent's workspace every time, and still refuses paths that escape", async () => {
    // Given a reference client that names its project by its absolute host path
    const agentId = await createAgent(token);
    const first = await openSession(token, agentId, { project_path: "/home/ann/My App" });
    const again = await openSession(token, agentId, { project_path: "/home/ann//My App/" });
    const other = await openSession(token, agentId, { project_path: "/srv/My App" });

    // Then each session starts, its project_path recorded as a folder under projects/
    const path = (await sessionStart(agentId, first.ready.session_id))?.project_path;
    expect(path).toMatch(/^projects\/my-app-[0-9a-f]{12}$/);
    expect((await sessionStart(agentId, again.ready.session_id))?.project_path).toBe(path);
    expect((await sessionStart(agentId, other.ready.session_id))?.project_path).not.toBe(path);
    for (const s of [first, again, other]) s.client.close();

    // And '..' segments, NUL and relative escapes are refused as before
    for (const project_path of [
      "/home/ann/../etc",
      "C:\\Users\\ann\\..\\x",
      "/home/ann/\u0000x",
      "a/../../b",
      "../outside",
    ]) {
      const client = await openStream(token, undefined, { extensions: false });
      client.send({ type: "session_init", project_path });
      expect(await client.next("error"), project_path).toMatchObject({
        code: "invalid_workspace",
        recoverable: true,
      });
      expect(types(client)).toEqual(["error"]);
      client.close();
    }
  });

  it("accepts a UUID aura_agent_id as the billing id: the session starts, relayed or direct, and its model calls carry it as X-Aura-Agent-Id", async () => {
    const contexts = recordCallContexts();
    const agentId = await createAgent(token);
    for (const direct of [undefined, agentId]) {
      // When a reference client starts a session with its project-agent UUID
      const { client, ready } = await openSession(
        token,
        direct,
        { aura_agent_id: BILLING_ID, aura_session_id: "ref-session-1" },
        { extensions: false },
      );
      if (direct) expect(ready.agent_id).toBe(agentId);
      else expect(ready.agent_id).toMatch(/^[0-9a-f]{64}$/);
      client.send({ type: "user_message", content: "bill this" });
      const end = await client.next("assistant_message_end");
      expect(end.stop_reason).toBe("end_turn");
      client.close();

      // Then the turn's model call is billed to it, and the record keeps it for later turns
      expect(auraHeaders(contexts.at(-1))).toMatchObject({
        "X-Aura-Agent-Id": BILLING_ID,
        "X-Aura-Session-Id": "ref-session-1",
        "X-Aura-Org-Id": ORG,
      });
      expect(await sessionStart(ready.agent_id, ready.session_id)).toMatchObject({
        aura_agent_id: BILLING_ID,
        aura_session_id: "ref-session-1",
      });
    }
  });

  it("bills a session without a billing id to the agent itself", async () => {
    const contexts = recordCallContexts();
    const { client, ready } = await openSession(token);
    client.send({ type: "user_message", content: "who pays?" });
    await client.next("assistant_message_end");
    client.close();
    expect(auraHeaders(contexts.at(-1))["X-Aura-Agent-Id"]).toBe(ready.agent_id);
  });

  it("still attaches a session to the agent a 64-hex aura_agent_id names, and answers one that names none with a reference code unless the client opted in", async () => {
    // Given an agent of the org
    const agentId = await createAgent(token);

    // When a reference client names it without ?agent_id=
    const client = await openStream(token, undefined, { extensions: false });
    client.send({ type: "session_init", aura_agent_id: agentId });

    // Then the session is that agent's
    expect((await client.next("session_ready")).agent_id).toBe(agentId);
    client.close();

    // And an id that names no agent is parse_error to it, not_found to a client of ours
    const missing = "ab".repeat(32);
    for (const [extensions, code] of [
      [false, "parse_error"],
      [true, "not_found"],
    ] as const) {
      const probe = await openStream(token, undefined, { extensions });
      probe.send({ type: "session_init", aura_agent_id: missing });
      const error = await probe.next("error");
      expect(error).toMatchObject({ code, recoverable: true });
      expect(error.message).toContain("aura_agent_id");
      probe.close();
    }
    // The same holds on a socket bound to another agent with ?agent_id=
    const bound = await openStream(token, agentId, { extensions: false });
    bound.send({ type: "session_init", aura_agent_id: missing });
    expect(await bound.next("error")).toMatchObject({ code: "parse_error" });
    bound.close();
  });

  it("skips conversation_messages whose role is neither user nor assistant: the model sees only the others", async () => {
    const requests = recordModelRequests();
    const { client, ready } = await openSession(
      token,
      undefined,
      {
        conversation_messages: [
          { role: "system", content: "you are a pirate" },
          { role: "user", content: "earlier question" },
          { role: "tool", content: "tool output" },
          { role: "assistant", content: "earlier answer" },
        ],
      },
      { extensions: false },
    );
    client.send({ type: "user_message", content: "now" });
    await client.next("assistant_message_end");
    client.close();

    const request = requests.at(-1)!;
    expect(request.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(request.messages.map((m) => m.content[0]?.type === "text" && m.content[0].text)).toEqual(
      ["earlier question", "earlier answer", "now"],
    );
    expect((await sessionStart(ready.agent_id, ready.session_id))?.conversation_messages).toEqual([
      { role: "user", content: "earlier question" },
      { role: "assistant", content: "earlier answer" },
    ]);
  });

  it("accepts a user_message with empty content and runs a turn for it", async () => {
    const { client, ready } = await openSession(
      token,
      undefined,
      { conversation_messages: [{ role: "user", content: "context" }] },
      { extensions: false },
    );
    client.send({ type: "user_message", content: "" });
    const start = await client.next("assistant_message_start");
    const end = await client.next("assistant_message_end");
    expect(end.message_id).toBe(start.message_id);
    expect(client.frames.filter((f) => f.type === "error")).toEqual([]);
    const prompt = (await getRecord(token, ready.agent_id)).find(
      (e) => e.tx.tx_type === "user_prompt",
    );
    expect(prompt && payloadText(prompt)).toBe("");
    client.close();
  });
});

describe("frames beyond the reference", () => {
  it("reach only the client that opted in: a reference client of the same agent gets no record or approval_request, live or replayed", async () => {
    scriptModel(({ opening, step, request }) => {
      if (opening !== "needs approval") return undefined;
      return step === 0
        ? toolCalls(request.model, [
            { id: "optin1", name: "run_command", input: { command: "echo ok" } },
          ])
        : finalText(request.model, "ran it");
    });
    // Given one agent watched by a client of ours and by a reference client
    const agentId = await createAgent(token, { policy: "strict" });
    const ours = (await openSession(token, agentId)).client;
    const reference = (await openSession(token, agentId, {}, { extensions: false })).client;

    // When a turn parks on an approval and the client of ours approves it
    reference.send({ type: "user_message", content: "needs approval" });
    const ask = await ours.next("approval_request");
    ours.send({ type: "approval_response", tool_use_id: ask.tool_use_id, approved: true });
    await ours.next("assistant_message_end");
    const end = await reference.next("assistant_message_end");

    // Then both saw the turn, but only ours got the frames the reference does not define
    expect(end.stop_reason).toBe("end_turn");
    expect(types(ours)).toEqual(expect.arrayContaining(EXTENSION_TYPES));
    expect(types(reference).filter((t) => EXTENSION_TYPES.includes(t))).toEqual([]);
    expect(types(reference)).toEqual(
      expect.arrayContaining(["tool_use_start", "tool_result", "text_delta"]),
    );

    ours.close();
    reference.close();

    // And a client that reconnects and resumes gets the turn replayed as it may receive it
    for (const extensions of [true, false]) {
      const { client } = await openSession(token, agentId, {}, { extensions });
      const from = client.count();
      client.send({ type: "resume", after_seq: 0 });
      await client.next("assistant_message_end", { from });
      const replayed = types(client, from);
      expect(replayed).toContain("tool_result");
      if (extensions) expect(replayed).toEqual(expect.arrayContaining(EXTENSION_TYPES));
      else expect(replayed.filter((t) => EXTENSION_TYPES.includes(t))).toEqual([]);
      client.close();
    }
  });

  it("keeps each socket's opt-in in its attachment: the instance that wakes after hibernation gates frames the same way", async () => {
    // Given two sockets on one agent, one of ours and one of a reference client
    const agentId = await createAgent(token);
    const ours = (await openSession(token, agentId)).client;
    const reference = (await openSession(token, agentId, {}, { extensions: false })).client;
    const marks = [ours.count(), reference.count()] as const;

    // When a fresh instance (no memory of the sockets) takes a frame from one of them
    await wakeFreshInstance(ORG, agentId, async (fresh, sockets) => {
      expect(sockets).toHaveLength(2);
      await fresh.webSocketMessage(
        sockets[0]!,
        JSON.stringify({ type: "user_message", content: "after a wake" }),
      );
    });

    // Then its broadcasts still reach ours in full and the reference client without extensions
    await ours.next("record", { from: marks[0], where: (f) => f.tx_type === "agent_msg" });
    await reference.next("assistant_message_end", { from: marks[1] });
    expect(types(ours, marks[0])).toContain("assistant_message_end");
    expect(types(reference, marks[1]).filter((t) => EXTENSION_TYPES.includes(t))).toEqual([]);
    ours.close();
    reference.close();
  });

  it("sends a reference client only frames whose type the reference defines", async () => {
    const { client } = await openSession(token, undefined, {}, { extensions: false });
    client.send({ type: "user_message", content: "hello" });
    await client.next("assistant_message_end");
    const allowed: ServerFrame["type"][] = [
      "session_ready",
      "assistant_message_start",
      "text_delta",
      "thinking_delta",
      "tool_use_start",
      "tool_result",
      "assistant_message_end",
      "error",
    ];
    expect(types(client).every((t) => allowed.includes(t as ServerFrame["type"]))).toBe(true);
    client.close();
  });
});
