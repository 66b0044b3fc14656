import { describe, expect, it } from "vitest";
import type { Result } from "../../src/core/errors.js";
import type { AdmitInput } from "./admission.js";
import type { AgentStore } from "./agent-store.js";
import { deliverOutbox } from "./outbox-delivery.js";
import type { OutboxMessage } from "./outbox-table.js";

/** The part of the store delivery uses, over an in-memory outbox. */
function storeWith(messages: OutboxMessage[]): { store: AgentStore; left: OutboxMessage[] } {
  const left = [...messages];
  const store = {
    meta: () => ({ org: "acme", agent_id: "a".repeat(64) }),
    hasOutbox: () => left.length > 0,
    outbox: (limit: number) => left.slice(0, limit),
    delivered: (key: string) => {
      left.splice(
        left.findIndex((m) => m.key === key),
        1,
      );
    },
  };
  return { store: store as unknown as AgentStore, left };
}

const owed = (n: number): OutboxMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    key: `task_result:${i}`,
    target_agent_id: "b".repeat(64),
    payload: "eA==",
    reference_tx_hash: "c".repeat(64),
  }));

describe("deliverOutbox", () => {
  it("admits each owed message with its key and reference, only to existing agents, and forgets it", async () => {
    const { store, left } = storeWith(owed(2));
    const sent: AdmitInput[] = [];
    const done = await deliverOutbox(
      store,
      async (input) => {
        sent.push(input);
        return { ok: true, tx_id: "t" } as Result<{ tx_id: string }>;
      },
      () => 7,
    );
    expect(done).toBe(true);
    expect(left).toEqual([]);
    expect(sent[0]).toMatchObject({
      org: "acme",
      kind: "agent_msg",
      idempotency_key: "task_result:0",
      reference_tx_hash: "c".repeat(64),
      existing_only: true,
      now: 7,
    });
  });

  it("drops a message whose recipient no longer exists, and keeps one that failed for the alarm", async () => {
    const gone = storeWith(owed(1));
    const notFound = async () =>
      ({ ok: false, code: "not_found", message: "gone" }) as Result<{ tx_id: string }>;
    expect(await deliverOutbox(gone.store, notFound, () => 0)).toBe(true);
    expect(gone.left).toEqual([]);

    const down = storeWith(owed(2));
    const failing = async (): Promise<Result<{ tx_id: string }>> => {
      throw new Error("unreachable");
    };
    expect(await deliverOutbox(down.store, failing, () => 0)).toBe(false);
    expect(down.left).toHaveLength(2);
  });

  it("says more is owed when one pass did not deliver everything", async () => {
    const { store, left } = storeWith(owed(25));
    const ok = async () => ({ ok: true, tx_id: "t" }) as Result<{ tx_id: string }>;
    expect(await deliverOutbox(store, ok, () => 0)).toBe(false);
    expect(left).toHaveLength(5);
    expect(await deliverOutbox(store, ok, () => 0)).toBe(true);
  });
});
