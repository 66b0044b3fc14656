import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { z } from "zod";
import { startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { RecordEntry } from "../../src/core/record.js";
import { FrameWaiter } from "../support/frame-waiter.js";
import {
  type InboundMessage,
  OutboundMessage,
  REFERENCE_ERROR_CODES,
  REFERENCE_STOP_REASONS,
  sessionInit,
} from "../support/reference-protocol.js";
import { client, expectShape } from "./helpers/api.js";
import type { LocalStack } from "./helpers/local-stack.js";
import { useStacks } from "./helpers/stacks.js";
import { connectStream } from "./helpers/stream-socket.js";

/** A project-agent id and a storage session id, as a reference client sends them. */
const BILLING_AGENT = "0b9f6a52-3c1e-4d7a-8e25-6f4b1c9d2e80";
const BILLING_SESSION = "7d3e1f20-9a4b-4c8d-b1e6-2a5f0c7e9d13";
const BILLING_ORG = "c2a7e4d1-5b3f-4e9a-8d60-1f2e3a4b5c6d";

type Outbound = z.infer<typeof OutboundMessage>;

/**
 * A client built on the reference's own types: it sends only `InboundMessage`s and parses
 * every frame it receives into `OutboundMessage`, keeping each failure (raw text and why).
 * It connects without `?agent_id=`, as the reference's clients do.
 */
interface ReferenceClient {
  frames: Outbound[];
  /** Every frame's raw text, parsed or not. */
  raw: string[];
  failures: Array<{ text: string; why: string }>;
  send(frame: InboundMessage): void;
  next<T extends Outbound["type"]>(type: T, from?: number): Promise<Extract<Outbound, { type: T }>>;
  count(): number;
  close(): void;
}

async function referenceClient(stack: LocalStack): Promise<ReferenceClient> {
  const url = `${stack.url.replace("http", "ws")}/stream?${new URLSearchParams({ token: stack.token })}`;
  const ws = new WebSocket(url);
  const raw: string[] = [];
  const failures: ReferenceClient["failures"] = [];
  const waiter = new FrameWaiter<Outbound>({
    timeoutMs: 30_000,
    received: () => raw.map((t) => t.slice(0, 80)).join(" | "),
  });
  ws.on("message", (data) => {
    const text = String(data);
    raw.push(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      failures.push({ text, why: "not JSON" });
      return;
    }
    const parsed = OutboundMessage.safeParse(json);
    if (parsed.success) waiter.push(parsed.data);
    else failures.push({ text, why: parsed.error.message });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    frames: waiter.frames,
    raw,
    failures,
    send: (frame) => ws.send(JSON.stringify(frame)),
    count: () => waiter.frames.length,
    close: () => ws.close(),
    next: (type, from) => waiter.next(type, { from }),
  };
}

/** Every frame parsed, and every error code and stop reason is one the reference sends. */
function expectOnlyReferenceFrames(c: ReferenceClient): void {
  expect(c.failures).toEqual([]);
  expect(c.frames).toHaveLength(c.raw.length);
  for (const frame of c.frames) {
    if (frame.type === "error") expect(REFERENCE_ERROR_CODES).toContain(frame.code);
    if (frame.type === "assistant_message_end") {
      expect(REFERENCE_STOP_REASONS).toContain(frame.stop_reason);
    }
  }
}

/** The agent a raw `session_ready` names (our extra field, which the reference type drops). */
function agentOf(c: ReferenceClient): string {
  for (const text of c.raw) {
    const frame = JSON.parse(text) as { type?: string; agent_id?: string };
    if (frame.type === "session_ready" && frame.agent_id) return frame.agent_id;
  }
  throw new Error("no session_ready");
}

async function recordOf(stack: LocalStack, agentId: string) {
  const res = await client(stack.url, stack.token).get(`/agents/${agentId}/record`);
  return expectShape(z.array(RecordEntry), res.body);
}

function payloadOf(entry: RecordEntry): Record<string, unknown> {
  return JSON.parse(Buffer.from(entry.tx.payload, "base64").toString("utf8"));
}

describe("a client built on the reference's types, against the running stack (mock reasoner)", () => {
  const { tempDataDir, start } = useStacks("aura-e2e-refclient-", { scope: "file" });
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await start(tempDataDir(), {
      AURA_JWT_SECRET: "e2e-refclient-secret-0123456789abcdef",
    });
  });

  it("starts a session with an absolute host project_path, UUID billing ids and a system-role message, runs a turn and an empty one, and parses every frame", async () => {
    const ref = await referenceClient(stack);
    ref.send(
      sessionInit({
        project_path: "/home/ref/Projects/Shop Front",
        aura_agent_id: BILLING_AGENT,
        aura_session_id: BILLING_SESSION,
        aura_org_id: BILLING_ORG,
        token: stack.token,
        conversation_messages: [
          { role: "system", content: "You are a pirate." },
          { role: "user", content: "earlier question" },
          { role: "assistant", content: "earlier answer" },
        ],
      }),
    );
    const ready = await ref.next("session_ready");
    expect(ready.tools.map((t) => t.name)).toContain("read_file");

    ref.send({ type: "user_message", content: "hello there", tool_hints: null });
    const end = await ref.next("assistant_message_end");
    expect(end.stop_reason).toBe("end_turn");
    const text = ref.frames.flatMap((f) => (f.type === "text_delta" ? [f.text] : [])).join("");
    expect(text).toContain("hello there");

    const from = ref.count();
    ref.send({ type: "user_message", content: "", tool_hints: null });
    const second = await ref.next("assistant_message_end", from);
    expect(second.stop_reason).toBe("end_turn");
    ref.send({ type: "cancel" });
    ref.send({ type: "approval_response", tool_use_id: "nothing-waits", approved: true });
    ref.close();
    expectOnlyReferenceFrames(ref);

    // The session recorded the mapped folder, the billing ids and only the user/assistant history
    const entries = await recordOf(stack, agentOf(ref));
    const session = entries.find((e) => e.tx.tx_type === "session_start");
    expect(session && payloadOf(session)).toMatchObject({
      workspace: ".",
      aura_agent_id: BILLING_AGENT,
      aura_session_id: BILLING_SESSION,
      conversation_messages: [
        { role: "user", content: "earlier question" },
        { role: "assistant", content: "earlier answer" },
      ],
    });
    expect(session && payloadOf(session).project_path).toMatch(
      /^projects\/shop-front-[0-9a-f]{12}$/,
    );
    const prompts = entries.filter((e) => e.tx.tx_type === "user_prompt");
    expect(prompts.map((e) => Buffer.from(e.tx.payload, "base64").toString())).toEqual([
      "hello there",
      "",
    ]);
  });

  it("attaches to an existing agent by its 64-hex id while a client of ours watches it; only ours gets record frames", async () => {
    const api = client(stack.url, stack.token);
    const created = await api.post("/agents", { name: "shared" });
    const agentId = expectShape(z.object({ agent_id: z.string() }), created.body).agent_id;
    const ours = await connectStream(stack.url, stack.token, agentId);
    ours.send({ type: "session_init" });
    await ours.next("session_ready");

    const ref = await referenceClient(stack);
    ref.send(sessionInit({ aura_agent_id: agentId, project_path: "/srv/app" }));
    await ref.next("session_ready");
    ref.send({ type: "user_message", content: "shared turn", tool_hints: null });
    await ref.next("assistant_message_end");
    await ours.next("assistant_message_end");
    ref.close();
    ours.close();

    expectOnlyReferenceFrames(ref);
    expect(agentOf(ref)).toBe(agentId);
    expect(ours.frames.some((f) => f.type === "record")).toBe(true);
    const prompts = (await recordOf(stack, agentId)).filter((e) => e.tx.tx_type === "user_prompt");
    expect(prompts).toHaveLength(1);
  });

  it("is answered with reference error codes only, and the socket stays usable", async () => {
    const ref = await referenceClient(stack);
    // A frame before session_init, an agent id that names no agent, a '..' project_path
    ref.send({ type: "user_message", content: "too early", tool_hints: null });
    await ref.next("error");
    ref.send(sessionInit({ aura_agent_id: "ef".repeat(32) }));
    await ref.next("error", 1);
    ref.send(sessionInit({ project_path: "/home/ref/../etc" }));
    await ref.next("error", 2);
    // Then a good session_init, and a second one
    ref.send(sessionInit({ project_path: "/home/ref/ok" }));
    await ref.next("session_ready");
    ref.send(sessionInit());
    await ref.next("error", 4);
    ref.close();

    expectOnlyReferenceFrames(ref);
    const codes = ref.frames.flatMap((f) => (f.type === "error" ? [f.code] : []));
    expect(codes).toEqual([
      "not_initialized",
      "parse_error",
      "invalid_workspace",
      "already_initialized",
    ]);
  });
});

describe("a client built on the reference's types, against the stack in proxy mode", () => {
  const { tempDataDir, start } = useStacks("aura-e2e-refproxy-", { scope: "file" });
  const secret = "e2e-refproxy-secret-0123456789abcdefgh";
  let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;

  beforeAll(async () => {
    fake = await startFakeAnthropic({ routerSecret: secret });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("streams thinking, a tool call and text as reference frames, and the router gets the session's UUID as X-Aura-Agent-Id", async () => {
    fake.script([
      {
        kind: "reply",
        content: [
          { type: "thinking", thinking: "List the files first.", signature: "sig" },
          { type: "text", text: "Looking." },
          { type: "tool_use", id: "toolu_ref_1", name: "list_files", input: {} },
        ],
        stop_reason: "tool_use",
      },
      { kind: "reply", content: [{ type: "text", text: "Nothing here yet." }] },
    ]);
    const stack = await start(tempDataDir(), {
      AURA_JWT_SECRET: secret,
      AURA_LLM_ROUTING: "proxy",
      AURA_ROUTER_URL: fake.routerUrl,
    });

    const ref = await referenceClient(stack);
    ref.send(
      sessionInit({
        aura_agent_id: BILLING_AGENT,
        aura_session_id: BILLING_SESSION,
        aura_org_id: BILLING_ORG,
        token: stack.token,
        project_path: "/Users/ref/app",
      }),
    );
    await ref.next("session_ready");
    ref.send({ type: "user_message", content: "what is in the workspace?", tool_hints: null });
    const end = await ref.next("assistant_message_end");
    ref.close();

    expectOnlyReferenceFrames(ref);
    expect(end.stop_reason).toBe("end_turn");
    const types = ref.frames.map((f) => f.type);
    for (const type of ["thinking_delta", "tool_use_start", "tool_result", "text_delta"]) {
      expect(types).toContain(type);
    }
    const result = ref.frames.find((f) => f.type === "tool_result");
    expect(result).toMatchObject({ name: "list_files", tool_use_id: "toolu_ref_1" });

    const calls = fake.requests();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.path).toBe("/router/v1/messages");
      expect(call.headers["x-aura-agent-id"]).toBe(BILLING_AGENT);
      expect(call.headers["x-aura-session-id"]).toBe(BILLING_SESSION);
      expect(call.headers["x-aura-org-id"]).toBe("local");
      expect(call.headers.authorization).toBe(`Bearer ${stack.token}`);
    }
  });
});
