import { describe, expect, it } from "vitest";
import type { ReasoningRecord } from "../agent/reasoning-record.js";
import type { ToolExecutionRecord } from "../agent/tool-record.js";
import { textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry, TxType } from "../core/record.js";
import { fakeEntry, hexId } from "../core/record-fixture.js";
import {
  type AutomatonEvent,
  type AutomatonLifecycle,
  automatonTransaction,
} from "./automaton-record.js";
import {
  automatonEntryEvents,
  initialWatchFold,
  replayAutomatonEvents,
  watchesText,
} from "./stream-events.js";

const AGENT = "c".repeat(64);
const ID = `${AGENT}0123456789abcdef`;
const OTHER = `${AGENT}fedcba9876543210`;

/** A record under construction: consecutive seqs, automaton entries as the runtime writes them. */
class RecordBuilder {
  readonly entries: RecordEntry[] = [];

  automaton(event: AutomatonEvent): RecordEntry {
    const seq = this.entries.length + 1;
    const entry = { ...fakeEntry(seq, "system", ""), tx: automatonTransaction(AGENT, event, seq) };
    this.entries.push(entry);
    return entry;
  }

  turnEntry(tx_type: TxType, body: unknown, turn: string): RecordEntry {
    const payload = typeof body === "string" ? body : canonicalJson(body);
    const seq = this.entries.length + 1;
    const entry = fakeEntry(seq, tx_type, textToBase64(payload), { reference: turn });
    this.entries.push(entry);
    return entry;
  }

  prompt(): string {
    const seq = this.entries.length + 1;
    const entry = fakeEntry(seq, "user_prompt", textToBase64("hello"));
    this.entries.push(entry);
    return entry.tx.hash;
  }
}

const lifecycle = (
  from: AutomatonLifecycle["from"],
  to: AutomatonLifecycle["to"],
): AutomatonLifecycle => ({
  type: "automaton_lifecycle",
  automaton_id: ID,
  kind: "chat",
  from,
  to,
});

const reasoning = (text: string, toolId?: string): ReasoningRecord => ({
  request_digest: "d",
  provider: "mock",
  model: "m",
  response: {
    model: "m",
    content: [
      { type: "text", text },
      ...(toolId ? [{ type: "tool_use" as const, id: toolId, name: "read_file", input: {} }] : []),
    ],
    stop_reason: toolId ? "tool_use" : "end_turn",
    usage: { input_tokens: 1, output_tokens: 1 },
  },
});

const execution: ToolExecutionRecord = {
  tool_use_id: "tu1",
  tool: "read_file",
  args: {},
  decision: "approved",
  result: { tool: "read_file", ok: true, stdout: "contents", stderr: "", metadata: {} },
  is_error: false,
};

/** A chat automaton installed, started, one tick with a tool call and a reply, then stopped. */
function chatRecord(): RecordBuilder {
  const r = new RecordBuilder();
  r.automaton({ ...lifecycle(null, "installing"), schedule: { type: "on_demand" } });
  r.automaton(lifecycle("installing", "running"));
  r.automaton({ type: "automaton_tick", automaton_id: ID, tick: 1, due_ms: 1 });
  const turn = r.prompt();
  r.turnEntry("reasoning", reasoning("let me look", "tu1"), turn);
  r.turnEntry("tool_proposal", { tool_use_id: "tu1", tool: "read_file", args: {} }, turn);
  r.turnEntry("tool_execution", execution, turn);
  r.turnEntry("reasoning", reasoning("done"), turn);
  r.turnEntry("agent_msg", "done", turn);
  r.automaton({ type: "automaton_tick_done", automaton_id: ID, tick: 1, outcome: "answered" });
  r.automaton({ ...lifecycle("running", "stopped"), reason: "stopped by request" });
  return r;
}

describe("automaton stream events", () => {
  it("turns a chat automaton's record into started, the tick's text and tools, stopped and done", () => {
    const { events } = replayAutomatonEvents(chatRecord().entries, ID, 0);
    expect(events).toEqual([
      { type: "started", automaton_id: ID, seq: 2 },
      { type: "text_delta", automaton_id: ID, seq: 5, text: "let me look" },
      { type: "tool_use_start", automaton_id: ID, seq: 5, id: "tu1", name: "read_file" },
      {
        type: "tool_result",
        automaton_id: ID,
        seq: 7,
        tool_use_id: "tu1",
        name: "read_file",
        result: "contents",
        is_error: false,
      },
      { type: "text_delta", automaton_id: ID, seq: 8, text: "done" },
      { type: "stopped", automaton_id: ID, seq: 11, reason: "stopped by request" },
      { type: "done", automaton_id: ID, seq: 11, status: "stopped" },
    ]);
  });

  it("replays exactly the events after after_seq, in order, once each", () => {
    const { entries } = chatRecord();
    const all = replayAutomatonEvents(entries, ID, 0).events;
    for (const after of [0, 2, 5, 6, 9, 11]) {
      const doubled = [...entries, ...entries.slice(3)];
      const { events } = replayAutomatonEvents(doubled, ID, after);
      expect(events).toEqual(all.filter((e) => e.seq > after));
    }
  });

  it("leaves model text out of live events, since watchers got it as it streamed", () => {
    let fold = initialWatchFold();
    const live = [];
    for (const entry of chatRecord().entries) {
      const step = automatonEntryEvents(fold, entry, ID, { live: true });
      fold = step.fold;
      live.push(...step.events);
    }
    expect(live.map((e) => e.type)).toEqual([
      "started",
      "tool_use_start",
      "tool_result",
      "stopped",
      "done",
    ]);
  });

  it("attributes live text to the open tick's seq, and none once the tick and its turn ended", () => {
    const { entries } = chatRecord();
    const foldAt = (n: number) => replayAutomatonEvents(entries.slice(0, n), ID, n).fold;
    expect(watchesText(foldAt(2))).toBe(false);
    expect(foldAt(3)).toMatchObject({ tick_seq: 3, tick_open: true });
    expect(watchesText(foldAt(6))).toBe(true);
    expect(watchesText(foldAt(10))).toBe(false);
  });

  it("follows a turn still open when its tick ended until the turn's reply", () => {
    const r = new RecordBuilder();
    r.automaton({ type: "automaton_tick", automaton_id: ID, tick: 1, due_ms: 1 });
    const turn = r.prompt();
    r.automaton({
      type: "automaton_tick_done",
      automaton_id: ID,
      tick: 1,
      outcome: "turn_open",
      detail: { tx_id: turn, turn_seq: 2 },
    });
    r.turnEntry("reasoning", reasoning("late"), turn);
    r.turnEntry("agent_msg", "late", turn);
    r.turnEntry("reasoning", reasoning("not ours"), hexId(7));
    const { events, fold } = replayAutomatonEvents(r.entries, ID, 0);
    expect(events).toEqual([{ type: "text_delta", automaton_id: ID, seq: 4, text: "late" }]);
    expect(watchesText(fold)).toBe(false);
  });

  it("gives another automaton's entries and turns outside a tick no events", () => {
    const r = new RecordBuilder();
    r.automaton({ ...lifecycle("installing", "running"), automaton_id: OTHER });
    const turn = r.prompt();
    r.turnEntry("reasoning", reasoning("outside"), turn);
    expect(replayAutomatonEvents(r.entries, ID, 0).events).toEqual([]);
  });

  it("maps pause, resume, failure and completion to their events", () => {
    const r = new RecordBuilder();
    r.automaton(lifecycle("running", "paused"));
    r.automaton(lifecycle("paused", "running"));
    r.automaton({ ...lifecycle("running", "failed"), reason: "no chat built-in" });
    r.automaton(lifecycle("running", "completed"));
    expect(replayAutomatonEvents(r.entries, ID, 0).events).toEqual([
      { type: "paused", automaton_id: ID, seq: 1 },
      { type: "resumed", automaton_id: ID, seq: 2 },
      { type: "error", automaton_id: ID, seq: 3, message: "no chat built-in" },
      { type: "done", automaton_id: ID, seq: 3, status: "failed" },
      { type: "done", automaton_id: ID, seq: 4, status: "completed" },
    ]);
  });

  it("gives the task events and loop_finished a tick's detail holds, in order", () => {
    const r = new RecordBuilder();
    r.automaton({ type: "automaton_tick", automaton_id: ID, tick: 1, due_ms: 1 });
    r.automaton({
      type: "automaton_tick_done",
      automaton_id: ID,
      tick: 1,
      outcome: "task_done",
      detail: {
        task_events: [
          { type: "task_started", task_id: "t1", title: "first" },
          { type: "task_failed", task_id: "t1", reason: "no files changed" },
        ],
        loop_finished: { outcome: "all_tasks_blocked", completed_count: 0, failed_count: 1 },
      },
    });
    const base = { automaton_id: ID, seq: 2 };
    expect(replayAutomatonEvents(r.entries, ID, 0).events).toEqual([
      { type: "task_started", ...base, task_id: "t1", title: "first" },
      { type: "task_failed", ...base, task_id: "t1", reason: "no files changed" },
      {
        type: "loop_finished",
        ...base,
        outcome: "all_tasks_blocked",
        completed_count: 0,
        failed_count: 1,
      },
    ]);
  });

  it("derives task events from a task-run tick's outcome and task_id: started once, then done or failed", () => {
    const r = new RecordBuilder();
    const done = (tick: number, outcome: string, detail: Record<string, unknown>) => {
      r.automaton({ type: "automaton_tick", automaton_id: ID, tick, due_ms: 1 });
      r.automaton({ type: "automaton_tick_done", automaton_id: ID, tick, outcome, detail });
    };
    done(1, "turn_open", { task_id: "t9", turn_seq: 3 });
    done(2, "task_failed", { task_id: "t9", reason: "no file changed" });
    done(3, "task_done", { task_id: "t8", turn_seq: 9 });
    expect(replayAutomatonEvents(r.entries, ID, 0).events).toEqual([
      { type: "task_started", automaton_id: ID, seq: 2, task_id: "t9" },
      { type: "task_failed", automaton_id: ID, seq: 4, task_id: "t9", reason: "no file changed" },
      { type: "task_started", automaton_id: ID, seq: 6, task_id: "t8" },
      { type: "task_completed", automaton_id: ID, seq: 6, task_id: "t8" },
    ]);
  });
});
