import { describe, expect, it } from "vitest";
import type { LoopEvent } from "../agent/events.js";
import { runAgentLoop } from "../agent/loop.js";
import { eventLog, reply, TOOLS, text, toolUse } from "../agent/loop-fixture.js";
import type { ReasoningRecord } from "../agent/reasoning-record.js";
import {
  executionText,
  type ToolExecutionRecord,
  type ToolProposalRecord,
} from "../agent/tool-record.js";
import { textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import type { RecordEntry, TxType } from "../core/record.js";
import { fakeEntry, hexId } from "../core/record-fixture.js";
import type { ServerFrame } from "../protocol/stream.js";
import { MockProvider } from "../reasoner/mock.js";
import type { ModelResponse } from "../reasoner/types.js";
import { entryFrames, initialReplayState, replayFrames } from "./entry-events.js";

const hex = hexId;
const AGENT = "a".repeat(64);
const PROMPT_TX = hex(0x1000 + 1);

/** A record under construction: entries get consecutive seqs and stand-in hashes. */
class RecordBuilder {
  readonly entries: RecordEntry[] = [];

  add(tx_type: TxType, payload: string, reference?: string): RecordEntry {
    const entry = fakeEntry(this.entries.length + 1, tx_type, payload, {
      agentId: AGENT,
      ...(reference === undefined ? {} : { reference }),
    });
    this.entries.push(entry);
    return entry;
  }

  text(tx_type: TxType, body: string, reference?: string): RecordEntry {
    return this.add(tx_type, textToBase64(body), reference);
  }

  json(tx_type: TxType, body: unknown): RecordEntry {
    return this.add(tx_type, textToBase64(canonicalJson(body)), PROMPT_TX);
  }

  reasoning(response: ModelResponse | undefined, error?: ReasoningRecord["error"]): RecordEntry {
    const record: ReasoningRecord = { request_digest: "d", provider: "mock", model: "claude-test" };
    if (response) record.response = response;
    if (error) record.error = error;
    return this.json("reasoning", record);
  }
}

const proposal = (id: string, decision: ToolProposalRecord["decision"]): ToolProposalRecord => ({
  tool_use_id: id,
  tool: "write_file",
  args: { path: "a.ts", content: "x" },
  decision,
  ...(decision === "pending_approval" ? { reason: "write_file is ask_once" } : {}),
});

const execution = (id: string, files = ["a.ts"]): ToolExecutionRecord => ({
  tool_use_id: id,
  tool: "write_file",
  args: { path: "a.ts", content: "x" },
  decision: "approved",
  result: { tool: "write_file", ok: true, stdout: `wrote ${id}`, stderr: "", metadata: {} },
  is_error: false,
  files_changed: { created: files, modified: [], deleted: [] },
});

/** user_prompt → reasoning (tool call) → proposal → execution → reasoning → agent_msg. */
function toolTurn(): RecordBuilder {
  const record = new RecordBuilder();
  record.text("user_prompt", "write a.ts");
  const first = reply([
    { type: "thinking", thinking: "plan" },
    text("Writing"),
    toolUse("t1", "write_file"),
  ]);
  record.reasoning({ ...first, usage: { input_tokens: 100, output_tokens: 20 } });
  record.json("tool_proposal", proposal("t1", "approved"));
  record.json("tool_execution", execution("t1"));
  record.reasoning({ ...reply([text("Done.")]), usage: { input_tokens: 150, output_tokens: 10 } });
  record.text("agent_msg", "Done.", PROMPT_TX);
  return record;
}

const recordOf = (entry: RecordEntry): ServerFrame => ({
  type: "record",
  seq: entry.seq,
  tx_type: entry.tx.tx_type,
  hash: entry.hash,
});

describe("replayFrames", () => {
  it("given a whole turn, when replayed from the start, then every entry gives its frames in live order", () => {
    const { entries } = toolTurn();
    const [prompt, r1, p1, x1, r2, answer] = entries as [RecordEntry, ...RecordEntry[]];
    expect(replayFrames(entries, 0)).toEqual([
      recordOf(prompt),
      { type: "assistant_message_start", message_id: PROMPT_TX },
      { type: "thinking_delta", thinking: "plan" },
      { type: "text_delta", text: "Writing" },
      { type: "tool_use_start", id: "t1", name: "write_file" },
      recordOf(r1!),
      recordOf(p1!),
      {
        type: "tool_result",
        tool_use_id: "t1",
        name: "write_file",
        result: "wrote t1",
        is_error: false,
      },
      recordOf(x1!),
      { type: "text_delta", text: "Done." },
      recordOf(r2!),
      {
        type: "assistant_message_end",
        message_id: PROMPT_TX,
        stop_reason: "end_turn",
        usage: {
          input_tokens: 250,
          output_tokens: 30,
          cumulative_input_tokens: 250,
          cumulative_output_tokens: 30,
          context_utilization: 150 / 200_000,
          model: "claude-test",
          provider: "mock",
        },
        files_changed: { created: ["a.ts"], modified: [], deleted: [] },
      },
      recordOf(answer!),
    ]);
  });

  it("given after_seq inside a turn, when replayed with the turn's earlier entries, then only later entries give frames and the end counts the whole turn", () => {
    const { entries } = toolTurn();
    const frames = replayFrames(entries, 3);
    expect(frames.filter((f) => f.type === "record").map((f) => f.seq)).toEqual([4, 5, 6]);
    expect(frames.some((f) => f.type === "assistant_message_start")).toBe(false);
    const end = frames.find((f) => f.type === "assistant_message_end");
    expect(end?.type === "assistant_message_end" && end.usage.input_tokens).toBe(250);
  });

  it("given entries out of order and repeated, when replayed, then frames come in seq order, each once", () => {
    const { entries } = toolTurn();
    const shuffled = [entries[4]!, entries[0]!, entries[2]!, entries[4]!, entries[1]!, entries[5]!];
    shuffled.push(entries[3]!, entries[0]!, entries[5]!);
    expect(replayFrames(shuffled, 0)).toEqual(replayFrames(entries, 0));
  });

  it("given a fold that starts mid-turn, when the turn ends, then the end names the turn its entries reference", () => {
    const { entries } = toolTurn();
    const frames = replayFrames(entries.slice(2), 0);
    expect(frames.at(-2)).toMatchObject({
      type: "assistant_message_end",
      message_id: PROMPT_TX,
      usage: { input_tokens: 150, output_tokens: 10 },
    });
  });

  it("given the record of a real loop run, when replayed, then the frames besides records are the live events", async () => {
    const record = new RecordBuilder();
    record.text("user_prompt", "write a.ts");
    const script = [
      reply([text("Writing"), toolUse("t1", "write_file"), toolUse("t2", "write_file")]),
      reply([{ type: "thinking", thinking: "check" }, text("Done.")]),
    ];
    const provider = new MockProvider(script);
    const recording = {
      name: "mock",
      defaultModel: "claude-test",
      async complete(...args: Parameters<MockProvider["complete"]>) {
        const response = await provider.complete(...args);
        record.reasoning(response);
        return response;
      },
    };
    const tools = {
      async execute(call: { tool_use_id: string }) {
        record.json("tool_proposal", proposal(call.tool_use_id, "approved"));
        const done = execution(call.tool_use_id, [`${call.tool_use_id}.ts`]);
        record.json("tool_execution", done);
        return { content: executionText(done), is_error: false, files_changed: done.files_changed };
      },
    };
    const log = eventLog();
    const result = await runAgentLoop(
      {
        settings: { model: "claude-test", tools: TOOLS },
        conversation: [],
        user_message: "write a.ts",
        message_id: PROMPT_TX,
      },
      { provider: recording, tools, onEvent: log.onEvent },
    );
    record.text("agent_msg", result.final_text, PROMPT_TX);
    const replayed = replayFrames(record.entries, 0).filter((f) => f.type !== "record");
    expect(replayed).toEqual(log.events satisfies LoopEvent[]);
  });
});

describe("entryFrames", () => {
  it("given a tool call waiting for approval, then its record is followed by one approval_request", () => {
    const record = new RecordBuilder();
    record.text("user_prompt", "write");
    const parked = record.json("tool_proposal", proposal("t1", "pending_approval"));
    const again = record.json("tool_execution", {
      ...execution("t1"),
      decision: "pending_approval",
    });
    const frames = replayFrames(record.entries, 1);
    expect(frames).toEqual([
      recordOf(parked),
      {
        type: "approval_request",
        tool_use_id: "t1",
        tool: "write_file",
        args: { path: "a.ts", content: "x" },
        reason: "write_file is ask_once",
      },
      recordOf(again),
    ]);
  });

  it("given a model call that failed, then the turn ends with its error and stop reason", () => {
    const cases = [
      ["rate_limited", "error", { code: "llm_error", recoverable: true }],
      ["invalid_request", "error", { code: "llm_error", recoverable: false }],
      [
        "insufficient_credits",
        "insufficient_credits",
        { code: "insufficient_credits", recoverable: false },
      ],
      ["cancelled", "cancelled", undefined],
    ] as const;
    for (const [code, stop, error] of cases) {
      const record = new RecordBuilder();
      record.text("user_prompt", "hi");
      record.reasoning(undefined, { code, message: `failed: ${code}` });
      record.text("agent_msg", `error: failed: ${code}`, PROMPT_TX);
      const frames = replayFrames(record.entries, 2);
      const end = { type: "assistant_message_end", stop_reason: stop };
      const expected = error
        ? [{ type: "error", ...error, message: `failed: ${code}` }, end]
        : [end];
      expect(frames.slice(0, -1)).toMatchObject(expected);
    }
  });

  it("given a reply whose trace says why the turn stopped, then the end carries that reason and error", () => {
    const record = new RecordBuilder();
    record.text("user_prompt", "loop forever");
    record.reasoning(reply([text("again")]));
    const end = record.text("agent_msg", "error: stalled", PROMPT_TX);
    end.proposals = {
      proposals: [],
      trace: {
        turn: {
          stop_reason: "error",
          files_changed: { created: [], modified: [], deleted: [] },
          usage: { input_tokens: 1, output_tokens: 1 },
          error: { code: "stall_detected", message: "writes failed 3 times" },
        },
      },
    };
    const frames = replayFrames(record.entries, 0);
    expect(frames.slice(-3, -1)).toMatchObject([
      { type: "error", code: "stall_detected", message: "writes failed 3 times" },
      { type: "assistant_message_end", stop_reason: "error" },
    ]);
    const capped = new RecordBuilder();
    capped.text("user_prompt", "many calls");
    const last = capped.text("agent_msg", "", PROMPT_TX);
    last.proposals = {
      proposals: [],
      trace: {
        turn: {
          stop_reason: "max_turns",
          files_changed: { created: [], modified: [], deleted: [] },
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
    };
    expect(replayFrames(capped.entries, 0).at(-2)).toMatchObject({ stop_reason: "max_turns" });
  });

  it("given entries outside a turn or payloads that do not decode, then each gives its record alone", () => {
    const record = new RecordBuilder();
    const trigger = record.text("trigger", "tick");
    const inbound = record.text("agent_msg", "from another agent");
    const broken = record.add("reasoning", "!!not base64!!", hex(0x999));
    const badJson = record.text("tool_execution", "{not json", hex(0x999));
    for (const entry of [trigger, inbound, broken, badJson]) {
      expect(entryFrames(initialReplayState(), entry).frames).toEqual([recordOf(entry)]);
    }
  });

  it("given a rule that agent messages open turns, then an inbound agent_msg starts one", () => {
    const record = new RecordBuilder();
    const inbound = record.text("agent_msg", "task for you");
    const opensTurn = (tx: RecordEntry["tx"]) =>
      tx.tx_type === "user_prompt" || (tx.tx_type === "agent_msg" && !tx.reference_tx_hash);
    expect(entryFrames(initialReplayState(), inbound, { opensTurn }).frames).toEqual([
      recordOf(inbound),
      { type: "assistant_message_start", message_id: inbound.tx.hash },
    ]);
  });

  it("given a state, when an entry is folded, then the given state is left as it was", () => {
    const { entries } = toolTurn();
    let state = initialReplayState({ input_tokens: 5, output_tokens: 5 });
    for (const entry of entries.slice(0, 4)) state = entryFrames(state, entry).state;
    const before = structuredClone(state);
    entryFrames(state, entries[4]!);
    entryFrames(state, entries[5]!);
    expect(state).toEqual(before);
    const end = entryFrames(entryFrames(state, entries[4]!).state, entries[5]!).frames[0];
    expect(end).toMatchObject({ usage: { cumulative_input_tokens: 255, input_tokens: 250 } });
  });
});
