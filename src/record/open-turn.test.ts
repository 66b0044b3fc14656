import { describe, expect, it } from "vitest";
import { blake3Hex } from "../core/hash.js";
import type { RecordEntry, TxType } from "../core/record.js";
import { OpenTurn } from "./open-turn.js";

function entry(seq: number, tx_type: TxType, reference?: number): RecordEntry {
  const tx = {
    hash: blake3Hex(`tx ${seq}`),
    tx_type,
    ...(reference === undefined ? {} : { reference_tx_hash: blake3Hex(`tx ${reference}`) }),
  };
  return { seq, tx } as RecordEntry;
}

function openAfter(entries: RecordEntry[]): number | null {
  return entries.reduce((turn, e) => turn.after(e), new OpenTurn()).seq;
}

describe("OpenTurn", () => {
  it("is the last user_prompt until the agent_msg answering it", () => {
    expect(openAfter([])).toBeNull();
    expect(openAfter([entry(1, "user_prompt"), entry(2, "reasoning")])).toBe(1);
    expect(
      openAfter([entry(1, "user_prompt"), entry(2, "reasoning"), entry(3, "agent_msg", 1)]),
    ).toBeNull();
  });

  it("stays open for an agent_msg that answers another transaction", () => {
    expect(openAfter([entry(1, "user_prompt"), entry(2, "agent_msg", 9)])).toBe(1);
    expect(openAfter([entry(1, "user_prompt"), entry(2, "agent_msg")])).toBe(1);
  });

  it("moves to a later user_prompt", () => {
    expect(openAfter([entry(1, "user_prompt"), entry(2, "trigger"), entry(3, "user_prompt")])).toBe(
      3,
    );
  });
});
