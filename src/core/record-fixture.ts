import type { RecordEntry, TxType } from "./record.js";

/** A 64-hex-char id made from a number, for stand-in hashes and ids in tests. */
export function hexId(n: number): string {
  return n.toString(16).padStart(64, "0");
}

/**
 * A record entry for tests of code that reads entries (not of the chain): its transaction's
 * hash is `hexId(txBase + seq)`, its own hash `hexId(0x2000 + seq)`, everything else empty.
 * Not a valid chain; use the kernel's `step` for that.
 *
 * @example
 * const prompt = fakeEntry(1, "user_prompt", textToBase64("hi"));
 */
export function fakeEntry(
  seq: number,
  tx_type: TxType,
  payload: string,
  options: { reference?: string; agentId?: string; txBase?: number } = {},
): RecordEntry {
  const entry: RecordEntry = {
    seq,
    tx: {
      hash: hexId((options.txBase ?? 0x1000) + seq),
      agent_id: options.agentId ?? "a".repeat(64),
      ts_ms: seq,
      tx_type,
      payload,
    },
    kernel_version: 1,
    context_hash: hexId(0),
    proposals: { proposals: [] },
    decision: { accepted_action_ids: [], rejected: [] },
    actions: [],
    effects: [],
    prev_hash: hexId(seq - 1),
    hash: hexId(0x2000 + seq),
  };
  if (options.reference !== undefined) entry.tx.reference_tx_hash = options.reference;
  return entry;
}
