import { exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import type { AutomatonStreamEvent } from "../../src/protocol/automaton-stream.js";
import type { AutomatonView } from "../../src/protocol/automatons.js";
import {
  bodyOf,
  call,
  mintToken,
  payloadJson,
  submitTx,
  waitFor,
  wakeFreshInstance,
} from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";

const ORG = "org-automaton-stream";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

type Event = AutomatonStreamEvent;

/** A watcher of `/stream/automaton/:id`: every event it got, and whether the server closed it. */
interface Watcher {
  events: Event[];
  closed: Promise<number>;
  resume(afterSeq: number): void;
  send(text: string): void;
  next(type: Event["type"], where?: (e: Event) => boolean): Promise<Event>;
}

async function openWatcher(id: string, as = token, query = ""): Promise<Watcher | Response> {
  const url = `https://aura.test/stream/automaton/${id}?token=${as}${query}`;
  const response = await exports.default.fetch(
    new Request(url, { headers: { Upgrade: "websocket" } }),
  );
  const ws = response.webSocket;
  if (!ws) return response;
  ws.accept();
  const events: Event[] = [];
  const closed = new Promise<number>((resolve) =>
    ws.addEventListener("close", (event) => resolve(event.code)),
  );
  ws.addEventListener("message", (event) => events.push(JSON.parse(String(event.data)) as Event));
  return {
    events,
    closed,
    resume: (afterSeq) => ws.send(JSON.stringify({ type: "resume", after_seq: afterSeq })),
    send: (text) => ws.send(text),
    next: (type, where = () => true) =>
      waitFor(`a ${type} event`, async () => events.find((e) => e.type === type && where(e))),
  };
}

async function watch(id: string): Promise<Watcher> {
  const watcher = await openWatcher(id);
  if (watcher instanceof Response) throw new Error(`upgrade answered ${watcher.status}`);
  return watcher;
}

/** Scripts every turn opened by `opening`: a write_file call, then a final text. */
function scriptTurn(opening: string, id: string, reply: string): void {
  scriptModel((turn) => {
    if (turn.opening !== opening) return undefined;
    return turn.step === 0
      ? toolCalls(turn.request.model, [
          { id, name: "write_file", input: { path: `${id}.txt`, content: "x" } },
        ])
      : finalText(turn.request.model, reply);
  });
}

async function createChat(): Promise<AutomatonView> {
  const json = { kind: "chat", schedule: { type: "on_demand" } };
  const response = await call("POST", "/automatons", { token, json });
  return bodyOf<AutomatonView>(response);
}

async function tickSeqs(id: string): Promise<number[]> {
  const response = await call("GET", `/automatons/${id}/record`, { token });
  const entries = await bodyOf<RecordEntry[]>(response);
  return entries.filter((e) => payloadJson(e).type === "automaton_tick").map((e) => e.seq);
}

const withoutText = (events: Event[]) => events.filter((e) => e.type !== "text_delta");
const textOf = (events: Event[]) =>
  events.map((e) => (e.type === "text_delta" ? e.text : "")).join("");

describe("/stream/automaton/:id", () => {
  it("shows a chat automaton's watcher started, the tick's text and tool events, then stopped and done, and closes", async () => {
    scriptTurn("watch this tick", "wt1", "tick answered");
    const { automaton_id: id, agent_id: agentId } = await createChat();
    const watcher = await watch(id);
    watcher.resume(0);
    const started = await watcher.next("started");
    await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "watch this tick" });
    await call("POST", `/automatons/${id}/tick`, { token });
    const result = await watcher.next("tool_result");
    await watcher.next("text_delta", (e) => e.type === "text_delta" && e.text === "tick answered");
    await call("POST", `/automatons/${id}/stop`, { token });
    const done = await watcher.next("done");
    expect(await watcher.closed).toBe(1000);

    const [tickSeq] = await tickSeqs(id);
    const { events } = watcher;
    expect(events.every((e) => e.automaton_id === id)).toBe(true);
    expect(events.map((e) => e.type)).toEqual([
      "started",
      "tool_use_start",
      "tool_result",
      "text_delta",
      "stopped",
      "done",
    ]);
    expect(events[1]).toMatchObject({ id: "wt1", name: "write_file" });
    expect(result).toMatchObject({ tool_use_id: "wt1", name: "write_file", is_error: false });
    expect(events[3]).toMatchObject({ seq: tickSeq, text: "tick answered" });
    expect(started.seq).toBeLessThan(tickSeq!);
    expect(events[1]!.seq).toBeGreaterThan(tickSeq!);
    expect(result.seq).toBeGreaterThan(events[1]!.seq);
    expect(events[4]).toMatchObject({ type: "stopped", reason: "stopped by request" });
    expect(done).toMatchObject({ status: "stopped", seq: events[4]!.seq });
  });

  it("replays to a late subscriber exactly the events after its after_seq, then closes a finished automaton's socket", async () => {
    scriptTurn("replay this tick", "rp1", "replayed answer");
    const { automaton_id: id, agent_id: agentId } = await createChat();
    const live = await watch(id);
    live.resume(0);
    await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "replay this tick" });
    await call("POST", `/automatons/${id}/tick`, { token });
    await live.next("tool_result");
    await call("POST", `/automatons/${id}/stop`, { token });
    await live.closed;

    const whole = await watch(id);
    whole.send("not a resume");
    const refused = await whole.next("error");
    expect(refused).toMatchObject({ automaton_id: id, seq: 0 });
    whole.events.length = 0;
    whole.resume(0);
    await whole.closed;
    const all = whole.events;
    expect(withoutText(all)).toEqual(withoutText(live.events));
    expect(textOf(all)).toBe(textOf(live.events));
    const seqs = all.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const after of [all[0]!.seq, all[2]!.seq, all.at(-1)!.seq]) {
      const late = await watch(id);
      late.resume(after);
      await late.closed;
      expect(late.events).toEqual(all.filter((e) => e.seq > after));
      // The same replay, asked for in the URL: sent as the socket opens, before anything live.
      const opened = await openWatcher(id, token, `&after_seq=${after}`);
      if (opened instanceof Response) throw new Error(`upgrade answered ${opened.status}`);
      await opened.closed;
      expect(opened.events).toEqual(all.filter((e) => e.seq > after));
    }
    const bad = await openWatcher(id, token, "&after_seq=-1");
    expect(bad).toBeInstanceOf(Response);
    expect((bad as Response).status).toBe(400);
    expect(await (bad as Response).text()).toContain("after_seq");
  });

  it("answers another organisation's token with 404 before the upgrade", async () => {
    const { automaton_id: id } = await createChat();
    const stranger = await mintToken({ org: "org-automaton-stream-other" });
    const answer = await openWatcher(id, stranger);
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).status).toBe(404);
    const missing = await openWatcher(`${id.slice(0, 64)}${"0".repeat(16)}`);
    expect((missing as Response).status).toBe(404);
  });

  it("keeps a watcher through hibernation: a fresh instance sends it the next tick's events", async () => {
    scriptTurn("after the wake", "hb1", "woken answer");
    const { automaton_id: id, agent_id: agentId } = await createChat();
    const watcher = await watch(id);
    watcher.resume(0);
    await watcher.next("started");
    await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "after the wake" });
    const address = { org: ORG, agent_id: agentId };
    let tickSeq: number | undefined;
    await wakeFreshInstance(ORG, agentId, async (fresh, sockets) => {
      expect(sockets).toHaveLength(1);
      expect((await fresh.tickAutomaton(address, id)).ok).toBe(true);
      await fresh.alarm();
      await waitFor("the tick's reply", async () =>
        watcher.events.some((e) => e.type === "text_delta") ? true : undefined,
      );
      expect(fresh.controlAutomaton(address, id, "stop").ok).toBe(true);
      // The object that served the routes before the wake is stale: read through the fresh one.
      const record = fresh.automatonRecord(address, id);
      const entries = record.ok ? (JSON.parse(record.json) as RecordEntry[]) : [];
      tickSeq = entries.find((e) => payloadJson(e).type === "automaton_tick")?.seq;
    });
    await watcher.closed;
    expect(watcher.events.map((e) => e.type)).toEqual([
      "started",
      "tool_use_start",
      "tool_result",
      "text_delta",
      "stopped",
      "done",
    ]);
    expect(tickSeq).toBeDefined();
    expect(watcher.events[3]).toMatchObject({ seq: tickSeq, text: "woken answer" });
  });
});
