import { EventEmitter } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../../../src/core/record.js";
import type { ServerFrame } from "../../../../src/protocol/stream.js";
import type { HttpClient } from "../../api/http-client.js";
import type { StreamEvent } from "../../api/stream-session.js";
import { initialChatState } from "../chat-state.js";
import { createChatStore } from "../chat-store.js";
import { ChatShell, type SessionLike } from "./chat-shell.js";

const AGENT = "ab".repeat(32);
const HASH = "cd".repeat(32);
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

class FakeSession extends EventEmitter implements SessionLike {
  agentId: string | undefined = AGENT;
  lastSeq = 0;
  sent: unknown[] = [];
  send = (frame: unknown) => {
    this.sent.push(frame);
  };
  close = vi.fn();
  frame(frame: ServerFrame) {
    if (frame.type === "record") this.lastSeq = Math.max(this.lastSeq, frame.seq);
    this.emit("event", { kind: "frame", frame } satisfies StreamEvent);
  }
  state(state: "open" | "reconnecting", attempt?: number) {
    this.emit("event", {
      kind: "state",
      state,
      ...(attempt ? { attempt } : {}),
    } satisfies StreamEvent);
  }
}

function entry(seq: number, tx_type: RecordEntry["tx"]["tx_type"], payload: unknown): RecordEntry {
  return {
    seq,
    hash: HASH,
    tx: {
      hash: HASH,
      agent_id: AGENT,
      ts_ms: 1,
      tx_type,
      payload: Buffer.from(JSON.stringify(payload)).toString("base64"),
    },
  } as RecordEntry;
}

async function setup(entries: RecordEntry[] = [], agentId?: string) {
  const store = createChatStore(initialChatState());
  const session = new FakeSession();
  const api = {
    record: vi.fn(async (_agent: string, seq: number, limit: number) =>
      entries.filter((e) => e.seq >= seq && e.seq < seq + limit),
    ),
    head: vi.fn(async () => ({ head_seq: entries.at(-1)?.seq ?? 0 })),
  } as unknown as HttpClient;
  const onQuit = vi.fn();
  const shell = new ChatShell({
    url: "http://127.0.0.1:1",
    token: "t",
    settings: {},
    ...(agentId ? { agentId } : {}),
    store,
    width: () => 80,
    onQuit,
    open: async () => session,
    api,
    env: { AURA_HOME: "/nonexistent/aura-home-for-tests" },
  });
  await shell.connect();
  return { store, session, shell, onQuit };
}

describe("ChatShell", () => {
  it("sends a message and refuses a second one while the turn runs", async () => {
    const { shell, session, store } = await setup();
    shell.submit("first");
    shell.submit("second");
    expect(session.sent).toEqual([{ type: "user_message", content: "first" }]);
    const last = store.getState().items.at(-1);
    expect(last).toMatchObject({ kind: "notice", tone: "error" });
  });

  it("loads a card's arguments from its tool_proposal entry when no approval carried them", async () => {
    const proposal = entry(5, "tool_proposal", {
      tool_use_id: "t1",
      tool: "write_file",
      args: { path: "a.txt", content: "hi\n" },
      decision: "approved",
    });
    const { session, store } = await setup([proposal]);
    session.frame({ type: "tool_use_start", id: "t1", name: "write_file" });
    session.frame({ type: "record", seq: 5, tx_type: "tool_proposal", hash: HASH });
    await settle();
    expect(store.getState().tools.t1?.diff?.lines).toEqual([{ kind: "add", text: "hi" }]);
  });

  it("answers yes by itself for a tool allowed for the session with a", async () => {
    const { shell, session } = await setup();
    session.frame({
      type: "approval_request",
      tool_use_id: "t1",
      tool: "run_command",
      args: {},
      reason: "",
    });
    shell.answer("t1", true, true);
    session.frame({
      type: "approval_request",
      tool_use_id: "t2",
      tool: "run_command",
      args: {},
      reason: "",
    });
    expect(session.sent).toEqual([
      { type: "approval_response", tool_use_id: "t1", approved: true },
      { type: "approval_response", tool_use_id: "t2", approved: true },
    ]);
  });

  it("reads the whole answer that streamed across a reconnect from its reasoning entry", async () => {
    const reasoning = entry(4, "reasoning", {
      response: { content: [{ type: "text", text: "The whole answer." }] },
    });
    const { session, store } = await setup([reasoning]);
    session.state("open");
    session.frame({ type: "record", seq: 2, tx_type: "user_prompt", hash: HASH });
    session.frame({ type: "assistant_message_start", message_id: "m" });
    session.frame({ type: "text_delta", text: "The who" });
    session.state("reconnecting", 1);
    session.state("open");
    session.frame({ type: "text_delta", text: "answer." });
    session.frame({ type: "record", seq: 4, tx_type: "reasoning", hash: HASH });
    await settle();
    const message = store.getState().items.find((i) => i.kind === "assistant");
    expect(message?.kind === "assistant" && message.blocks).toEqual([
      { kind: "text", text: "The whole answer." },
    ]);
    expect(store.getState().connection).toMatchObject({ status: "open", resumedAfter: 2 });
  });

  it("toggles the record panel and quits with 0 through slash commands", async () => {
    const { shell, store, onQuit } = await setup();
    shell.submit("/record");
    await settle();
    expect(store.getState().panels.record).toBe(true);
    shell.submit("/quit");
    await settle();
    expect(onQuit).toHaveBeenCalledWith(0);
  });

  it("shows an attached agent's last messages and fills the record panel before live frames", async () => {
    const text = (t: string) => Buffer.from(t).toString("base64");
    const earlier = [
      { ...entry(1, "session_start", {}), hash: "11".repeat(32) },
      {
        ...entry(2, "user_prompt", {}),
        tx: { ...entry(2, "user_prompt", {}).tx, payload: text("hi") },
      },
      {
        ...entry(3, "agent_msg", {}),
        tx: { ...entry(3, "agent_msg", {}).tx, payload: text("**Hello**") },
      },
    ] as RecordEntry[];
    const { store } = await setup(earlier, AGENT);
    const state = store.getState();
    expect(state.items.map((i) => i.kind)).toEqual(["user", "assistant"]);
    expect(state.items[1]).toMatchObject({
      blocks: [{ kind: "text", text: "**Hello**" }],
      done: true,
    });
    expect(state.records.length).toBe(3);
    expect(state.records.at(0)).toMatchObject({ seq: 1, txType: "session_start" });
  });

  it("shows the question of a turn another client started on the same agent", async () => {
    const prompt = entry(3, "user_prompt", {});
    prompt.tx.payload = Buffer.from("from the other window").toString("base64");
    const { session, store } = await setup([prompt]);
    session.frame({ type: "record", seq: 3, tx_type: "user_prompt", hash: HASH });
    session.frame({ type: "assistant_message_start", message_id: HASH });
    await settle();
    const items = store.getState().items;
    expect(items[0]).toMatchObject({ kind: "user", text: "from the other window" });
    expect(items[1]).toMatchObject({ kind: "assistant", messageId: HASH });
  });

  it("switches to the agent /attach names: closes the old session, opens one on the new agent, shows its history and sends there", async () => {
    const OTHER = "ef".repeat(32);
    const text = (t: string) => Buffer.from(t).toString("base64");
    const first = new FakeSession();
    const second = new FakeSession();
    second.agentId = OTHER;
    const opened: Array<string | undefined> = [];
    const sessions = [first, second];
    const prompt = entry(2, "user_prompt", {});
    prompt.tx.payload = text("asked on the other agent");
    const api = {
      record: vi.fn(async (agent: string) => (agent === OTHER ? [prompt] : [])),
      head: vi.fn(async (agent: string) => ({ head_seq: agent === OTHER ? 2 : 0 })),
    } as unknown as HttpClient;
    const store = createChatStore(initialChatState());
    const shell = new ChatShell({
      url: "http://127.0.0.1:1",
      token: "t",
      settings: {},
      store,
      width: () => 80,
      onQuit: vi.fn(),
      open: async (options) => {
        opened.push(options.agentId);
        const next = sessions.shift();
        if (!next) throw new Error("opened too often");
        return next;
      },
      api,
      env: { AURA_HOME: "/nonexistent/aura-home-for-tests" },
    });
    await shell.connect();
    shell.submit("before the switch");
    shell.submit(`/attach ${OTHER}`);
    await settle();
    expect(first.close).toHaveBeenCalled();
    expect(opened).toEqual([undefined, OTHER]);
    const state = store.getState();
    expect(state.agentId).toBe(OTHER);
    expect(api.record).toHaveBeenCalledWith(OTHER, 1, 200);
    expect(state.items.map((i) => (i.kind === "user" ? i.text : i.kind))).toEqual([
      "asked on the other agent",
      "notice",
    ]);
    expect(state.items.at(-1)).toMatchObject({ kind: "notice", text: `attached to ${OTHER}` });
    // Frames of the old session no longer reach the chat; the new session's do, and
    // messages go to it.
    first.frame({ type: "assistant_message_start", message_id: "old" });
    expect(store.getState().items.some((i) => i.kind === "assistant")).toBe(false);
    shell.submit("after the switch");
    expect(second.sent).toEqual([{ type: "user_message", content: "after the switch" }]);
    expect(first.sent).toEqual([{ type: "user_message", content: "before the switch" }]);
  });

  it("says what is wrong with an unknown command", async () => {
    const { shell, store } = await setup();
    shell.submit("/nope");
    await settle();
    expect(store.getState().items.at(-1)).toMatchObject({ kind: "notice", tone: "error" });
  });

  it("/login URL asks for the token on the masked input line, then saves it and reconnects to that server", async () => {
    const home = mkdtempSync(join(tmpdir(), "aura-shell-login-"));
    try {
      const store = createChatStore(initialChatState());
      const opened: string[] = [];
      const shell = new ChatShell({
        url: "http://127.0.0.1:1",
        token: "t",
        settings: {},
        store,
        width: () => 80,
        onQuit: vi.fn(),
        open: async (options) => {
          opened.push(`${options.url} ${options.token} ${options.agentId ?? "new agent"}`);
          return new FakeSession();
        },
        api: { record: vi.fn(), head: vi.fn() } as unknown as HttpClient,
        env: { AURA_HOME: home },
      });
      await shell.connect();
      shell.submit("/login http://aura.test");
      await settle();
      expect(store.getState().secretPrompt).toBe("token: ");
      shell.answerSecret("typed-token");
      await settle();
      expect(store.getState().secretPrompt).toBeUndefined();
      const saved = JSON.parse(readFileSync(join(home, "credentials.json"), "utf8"));
      expect(saved.current).toBe("default");
      expect(saved.servers.default).toMatchObject({
        url: "http://aura.test",
        token: "typed-token",
      });
      // A new agent on the new server: the previous server's agent id means nothing there
      expect(opened).toEqual([
        "http://127.0.0.1:1 t new agent",
        "http://aura.test typed-token new agent",
      ]);
      expect(store.getState().items.at(-1)).toMatchObject({
        kind: "notice",
        text: "logged in to default (http://aura.test)",
      });

      shell.submit("/login http://other.test");
      await settle();
      shell.answerSecret(undefined);
      await settle();
      expect(store.getState().secretPrompt).toBeUndefined();
      expect(store.getState().items.at(-1)).toMatchObject({
        kind: "notice",
        text: "cancelled",
        tone: "error",
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
