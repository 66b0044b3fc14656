import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../src/protocol/stream.js";
import {
  createAgent,
  evictAgents,
  getRecord,
  mintToken,
  waitFor,
  wakeFreshInstance,
} from "./helpers.js";
import { holdModelCalls, recordModelRequests } from "./model-spy.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";
import { openSession, openStream } from "./stream-client.js";

const ORG = "org-stream-sessions";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A seeded PRNG (mulberry32): the fuzz is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("multiple clients and resume", () => {
  it("sends two clients watching one agent identical event sequences", async () => {
    const agentId = await createAgent(token);
    const a = (await openSession(token, agentId)).client;
    const b = (await openSession(token, agentId)).client;
    const fromA = a.count();
    const fromB = b.count();
    a.send({ type: "user_message", content: "for both of you" });
    await a.next("assistant_message_end", { from: fromA });
    await b.next("assistant_message_end", { from: fromB });
    // The reply's record frame follows the end; wait for it on both
    const head = (await getRecord(token, agentId)).at(-1)!.seq;
    for (const c of [a, b]) {
      await c.next("record", { from: 0, where: (f) => f.seq === head });
    }
    expect(b.frames.slice(fromB)).toEqual(a.frames.slice(fromA));
    expect(a.frames.slice(fromA).map((f) => f.type)).toContain("text_delta");
    a.close();
    b.close();
  });

  it("replays to a client that dropped mid-turn exactly the entries it missed, once each", async () => {
    const agentId = await createAgent(token);
    const model = holdModelCalls();
    const first = (await openSession(token, agentId)).client;
    const from = first.count();
    first.send({ type: "user_message", content: "a long answer" });
    await waitFor("the model call", async () =>
      model.spy.mock.calls.length > 0 ? true : undefined,
    );
    const seen = first.frames.filter((f) => f.type === "record");
    const lastSeen = seen.at(-1)!.seq;
    first.close();
    model.release();
    await waitFor("the reply", async () =>
      (await getRecord(token, agentId)).at(-1)?.tx.tx_type === "agent_msg" ? true : undefined,
    );

    // When it reconnects and asks for what came after the last record it saw
    const again = (await openSession(token, agentId)).client;
    const ownStart = again.frames.find((f) => f.type === "record")!.seq;
    const before = again.count();
    again.send({ type: "resume", after_seq: lastSeen });
    const entries = await getRecord(token, agentId);
    const missed = entries.filter((e) => e.seq > lastSeen).map((e) => e.seq);
    await waitFor("every missed record", async () => {
      const got = new Set(again.frames.filter((f) => f.type === "record").map((f) => f.seq));
      return missed.every((seq) => got.has(seq)) ? true : undefined;
    });

    // Then it has every entry it missed exactly once — those before its new session replayed
    // in order, its own session_start live — and the end of the turn it dropped out of
    const records = again.frames.filter((f) => f.type === "record").map((f) => f.seq);
    expect([...records].sort((x, y) => x - y)).toEqual(missed);
    const replayed = again.frames
      .slice(before)
      .filter((f) => f.type === "record")
      .map((f) => f.seq);
    expect(replayed).toEqual(missed.filter((seq) => seq !== ownStart));
    expect(again.frames.slice(before).some((f) => f.type === "assistant_message_end")).toBe(true);
    expect(first.frames.slice(from).some((f) => f.type === "assistant_message_end")).toBe(false);
    again.close();
  });
});

describe("resume bounds", () => {
  it("replays nothing to a client that has seen everything before its session started", async () => {
    const agentId = await createAgent(token);
    const { client } = await openSession(token, agentId);
    const from = client.count();
    client.send({ type: "resume", after_seq: 10_000 });
    client.send({ type: "resume", after_seq: 0 });
    // Neither resume replays anything (this session's own start reached it live): this
    // parse_error is all the client is sent
    client.send("{}");
    await client.next("error", { from });
    expect(client.frames.slice(from).map((f) => f.type)).toEqual(["error"]);
    client.close();
  });
});

describe("hibernation", () => {
  it("continues the same conversation when a new instance wakes for a socket that stayed open", async () => {
    // Given a session whose first turn is done
    const requests = recordModelRequests();
    const { client, ready } = await openSession(token);
    client.send({ type: "user_message", content: "remember the word kiwi" });
    await client.next("assistant_message_end");

    // When the object hibernates — its memory is gone, the socket stays connected — and a
    // fresh instance handles the next frame from that socket (this pool version has no
    // evictDurableObject, and abortAllDurableObjects also drops sockets, which hibernation
    // does not: a new instance over the same storage and sockets is what a wake is)
    const from = client.count();
    await wakeFreshInstance(ORG, ready.agent_id, async (fresh, sockets) => {
      expect(sockets).toHaveLength(1);
      await fresh.webSocketMessage(
        sockets[0]!,
        JSON.stringify({ type: "user_message", content: "what was the word?" }),
      );
    });

    // Then the turn is streamed to the same socket and the model saw the whole conversation
    await client.next("assistant_message_end", { from });
    const texts = requests
      .at(-1)!
      .messages.flatMap((m) => m.content)
      .map((b) => (b.type === "text" ? b.text : ""));
    expect(texts).toContain("remember the word kiwi");
    expect(texts.at(-1)).toBe("what was the word?");
    client.close();
  });

  it("takes an approval, on the socket that stayed open, in the instance that wakes after hibernation", async () => {
    scriptModel(({ opening, step, request }) => {
      if (opening !== "approve after a wake") return undefined;
      return step === 0
        ? toolCalls(request.model, [
            { id: "wake1", name: "write_file", input: { path: "w.txt", content: "woken" } },
          ])
        : finalText(request.model, "written after the wake");
    });
    const agentId = await createAgent(token, { policy: "strict" });
    const { client } = await openSession(token, agentId);
    client.send({ type: "user_message", content: "approve after a wake" });
    await client.next("approval_request");
    const from = client.count();

    await wakeFreshInstance(ORG, agentId, async (fresh, sockets) => {
      await fresh.webSocketMessage(
        sockets[0]!,
        JSON.stringify({ type: "approval_response", tool_use_id: "wake1", approved: true }),
      );
    });

    expect(await client.next("tool_result", { from })).toMatchObject({
      tool_use_id: "wake1",
      is_error: false,
    });
    expect((await client.next("assistant_message_end", { from })).stop_reason).toBe("end_turn");
    client.close();
  });

  it("answers an approval requested before an eviction after it", async () => {
    scriptModel(({ opening, step, request }) => {
      if (opening !== "approve across eviction") return undefined;
      return step === 0
        ? toolCalls(request.model, [
            { id: "hib1", name: "write_file", input: { path: "h.txt", content: "hibernated" } },
          ])
        : finalText(request.model, "written after eviction");
    });
    const agentId = await createAgent(token, { policy: "strict" });
    const { client } = await openSession(token, agentId);
    client.send({ type: "user_message", content: "approve across eviction" });
    await client.next("approval_request");

    // When the object is evicted (its sockets dropped with it) and the client reconnects
    await evictAgents();
    const again = await openStream(token, agentId);
    again.send({ type: "session_init" });
    await again.next("session_ready");
    const from = again.count();
    again.send({ type: "approval_response", tool_use_id: "hib1", approved: true });

    // Then the parked call runs and the turn finishes, streamed to the new socket
    const end = await again.next("assistant_message_end", { from });
    expect(end.stop_reason).toBe("end_turn");
    await again.next("record", { from, where: (f) => f.tx_type === "agent_msg" });
    const types = (await getRecord(token, agentId))
      .map((e) => e.tx.tx_type)
      .filter((t) => t !== "session_start");
    expect(types.slice(-5)).toEqual([
      "tool_proposal",
      "action_result",
      "tool_execution",
      "reasoning",
      "agent_msg",
    ]);
  });
});

describe("fuzz", () => {
  it("answers 1,000 random malformed frames with parse_error only, records nothing, and still answers", async () => {
    const { client, ready } = await openSession(token);
    const headBefore = (await getRecord(token, ready.agent_id)).length;
    const random = prng(20261126);
    const valid = [
      { type: "user_message", content: "x" },
      { type: "approval_response", tool_use_id: "t", approved: true },
      { type: "resume", after_seq: 1 },
      { type: "session_init", workspace: "w" },
    ];
    const malformed: string[] = [];
    while (malformed.length < 1000) {
      const base = JSON.stringify(valid[Math.floor(random() * valid.length)]);
      const kind = Math.floor(random() * 4);
      let text: string;
      if (kind === 0) {
        // Cut it short
        text = base.slice(0, Math.floor(random() * (base.length - 1)));
      } else if (kind === 1) {
        // Random printable bytes
        text = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
          String.fromCharCode(32 + Math.floor(random() * 95)),
        ).join("");
      } else if (kind === 2) {
        // A field of the wrong type: every such first field is a string or a number, so a
        // boolean, object or array is wrong (null is not used: a reference client's null
        // means "absent")
        const parsed = JSON.parse(base) as Record<string, unknown>;
        const key = Object.keys(parsed).filter((k) => k !== "type")[0] ?? "content";
        parsed[key] = [true, { nested: true }, [1, 2]][Math.floor(random() * 3)];
        text = JSON.stringify(parsed);
      } else {
        // An unknown type
        text = JSON.stringify({ type: `t${Math.floor(random() * 1e6)}` });
      }
      let isParseError = false;
      try {
        const value = JSON.parse(text) as unknown;
        isParseError = typeof value !== "object" || value === null;
      } catch {
        isParseError = true;
      }
      // Keep only frames that are malformed for certain (no accidental valid frame)
      if (isParseError || kind >= 2) malformed.push(text);
    }
    const from = client.count();
    for (const text of malformed) client.send(text);
    await waitFor(
      "1,000 answers",
      async () => (client.count() - from >= 1000 ? true : undefined),
      30_000,
    );
    const answers = client.frames.slice(from);
    expect(answers).toHaveLength(1000);
    expect(answers.every((f) => f.type === "error" && f.code === "parse_error")).toBe(true);
    expect((await getRecord(token, ready.agent_id)).length).toBe(headBefore);

    const after = client.count();
    client.send({ type: "user_message", content: "still alive?" });
    const end = (await client.next("assistant_message_end", { from: after })) as Extract<
      ServerFrame,
      { type: "assistant_message_end" }
    >;
    expect(end.stop_reason).toBe("end_turn");
  });
});
