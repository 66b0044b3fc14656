import { describe, expect, it } from "vitest";
import { decodeTerminalEvent } from "../../src/agent/terminal-record.js";
import { decodeApproval } from "../../src/agent/tool-record.js";
import type { RecordEntry } from "../../src/core/record.js";
import { resolvePolicy } from "../../src/kernel/policy.js";
import { evolve, initialChainState, step } from "../../src/kernel/step.js";
import { TerminalGate, type TerminalGateHost } from "./terminal-gate.js";

const AGENT = "b".repeat(64);
const ADDRESS = { org: "org", agent_id: AGENT };

/** A gate over an in-memory record committed through the kernel's step. */
function harness(options: { policy?: "dev" | "strict"; watchers?: boolean }) {
  const entries: RecordEntry[] = [];
  let chain = initialChainState(50);
  let clock = 1_000;
  let ids = 0;
  const host: TerminalGateHost = {
    store: {
      requireMeta: () =>
        ({ agent_id: AGENT, head_seq: entries.length }) as ReturnType<
          TerminalGateHost["store"]["requireMeta"]
        >,
      commit: (items) =>
        items.map(({ tx, outcome }) => {
          const entry = step(chain, tx, outcome);
          chain = evolve(chain, entry);
          entries.push(entry);
          return entry;
        }),
      entriesOfTypes: (types, from, before) =>
        entries.filter((e) => types.includes(e.tx.tx_type) && e.seq >= from && e.seq < before),
    },
    policy: () => resolvePolicy(options.policy ?? "strict", "dev"),
    sessionSeq: () => 1,
    hasWatchers: () => options.watchers ?? true,
    newTerminalId: () => (++ids).toString(16).padStart(32, "0"),
    now: () => clock++,
  };
  const gate = new TerminalGate(host);
  const events = () =>
    entries.map((e) => decodeTerminalEvent(e.tx)?.type ?? decodeApproval(e.tx.payload)?.kind);
  return { gate, entries, events };
}

/** Waits until the gate has a request waiting, and returns its `tool_use_id`. */
async function waitingRequest(gate: TerminalGate): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const [first] = gate.pending();
    if (first) return first.tool_use_id;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error("no request waiting");
}

describe("TerminalGate", () => {
  it("opens at once under dev and records the opening with who asked", async () => {
    const { gate, entries, events } = harness({ policy: "dev" });
    const opened = await gate.open({ ...ADDRESS, sub: "tess" });
    expect(opened).toMatchObject({ ok: true, opened_at: 1_000 });
    expect(events()).toEqual(["terminal_opened"]);
    expect(decodeTerminalEvent(entries[0]!.tx)).toMatchObject({ sub: "tess" });
  });

  it("refuses when nobody is there to ask, without recording a request", async () => {
    const { gate, events } = harness({ watchers: false });
    const refused = await gate.open({ ...ADDRESS, sub: "tess" });
    expect(refused).toMatchObject({ ok: false, code: "forbidden" });
    expect(events()).toEqual(["terminal_denied"]);
    expect(gate.pending()).toEqual([]);
  });

  it("refuses when no answer comes in time, and a late answer then finds nothing waiting", async () => {
    const { gate, events } = harness({});
    const opening = gate.open({ ...ADDRESS, sub: "tess" }, 20);
    const toolUseId = await waitingRequest(gate);
    const refused = await opening;
    expect(refused).toMatchObject({ ok: false, code: "forbidden" });
    expect(!refused.ok && refused.message).toContain("no answer within 0.02 s");
    expect(gate.answer({ ...ADDRESS, tool_use_id: toolUseId, approved: true })).toBeUndefined();
    expect(events()).toEqual(["terminal_requested", "terminal_denied"]);
  });

  it("opens once approved, and the approval lasts for the session", async () => {
    const { gate, events } = harness({});
    const opening = gate.open({ ...ADDRESS, sub: "tess" });
    const toolUseId = await waitingRequest(gate);
    expect(gate.pending()).toEqual([
      {
        tool_use_id: toolUseId,
        tool: "terminal",
        args: {},
        reason: "terminal needs approval once per session",
      },
    ]);
    const answered = gate.answer({
      ...ADDRESS,
      tool_use_id: toolUseId,
      approved: true,
      approver: "ann",
    });
    expect(answered).toEqual({ ok: true, seq: 2 });
    expect(await opening).toMatchObject({ ok: true });
    expect(await gate.open({ ...ADDRESS, sub: "tess" })).toMatchObject({ ok: true });
    expect(events()).toEqual([
      "terminal_requested",
      "approval",
      "terminal_opened",
      "terminal_opened",
    ]);
  });

  it("records how a terminal ended, with its duration", () => {
    const { gate, entries } = harness({ policy: "dev" });
    gate.close({
      ...ADDRESS,
      terminal_id: "1".repeat(32),
      sub: "tess",
      opened_at: 900,
      closed_by: "sandbox",
      code: 1011,
    });
    expect(decodeTerminalEvent(entries[0]!.tx)).toEqual({
      type: "terminal_closed",
      terminal_id: "1".repeat(32),
      sub: "tess",
      duration_ms: 100,
      closed_by: "sandbox",
      code: 1011,
    });
  });
});
