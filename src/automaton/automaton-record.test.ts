import { describe, expect, it } from "vitest";
import type { Transaction } from "../core/record.js";
import { admissionTxHash } from "../kernel/tx-hash.js";
import {
  type AutomatonEvent,
  automatonTransaction,
  decodeAutomatonEvent,
} from "./automaton-record.js";

const AGENT = "b".repeat(64);
const EVENT: AutomatonEvent = {
  type: "automaton_tick",
  automaton_id: `${AGENT}0123456789abcdef`,
  tick: 3,
  due_ms: 1_000,
};

describe("automaton record", () => {
  it("decodes the event of a transaction the runtime recorded", () => {
    const tx = automatonTransaction(AGENT, EVENT, 2_000);
    expect(tx).toMatchObject({ agent_id: AGENT, tx_type: "system", ts_ms: 2_000 });
    expect(decodeAutomatonEvent(tx)).toEqual(EVENT);
  });

  it("gives the same transaction for the same event and time", () => {
    expect(automatonTransaction(AGENT, EVENT, 2_000)).toEqual(
      automatonTransaction(AGENT, EVENT, 2_000),
    );
  });

  it("never reads a client's look-alike transaction as an automaton event", () => {
    const { hash: _hash, ...rest } = automatonTransaction(AGENT, EVENT, 2_000);
    const admitted: Transaction = { ...rest, hash: admissionTxHash({ ...rest, admission: 1 }) };
    expect(decodeAutomatonEvent(admitted)).toBeUndefined();
  });

  it("reads no event from a payload that does not match its id", () => {
    const tx = automatonTransaction(AGENT, EVENT, 2_000);
    const other = automatonTransaction(AGENT, { ...EVENT, tick: 4 }, 2_000);
    expect(decodeAutomatonEvent({ ...tx, payload: other.payload })).toBeUndefined();
  });
});
