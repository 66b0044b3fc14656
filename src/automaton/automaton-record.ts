import { z } from "zod";
import { base64ToText, textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import { hashCanonical } from "../core/hash.js";
import type { Transaction } from "../core/record.js";
import { AutomatonId, AutomatonKind, AutomatonStatus, Schedule } from "../protocol/automatons.js";

/**
 * A lifecycle transition. The first one (`from: null`, `to: "installing"`) installs the
 * automaton and carries its kind and schedule; every later one only moves its status.
 */
export const AutomatonLifecycle = z.object({
  type: z.literal("automaton_lifecycle"),
  automaton_id: AutomatonId,
  kind: AutomatonKind,
  from: AutomatonStatus.nullable(),
  to: AutomatonStatus,
  reason: z.string().optional(),
  schedule: Schedule.optional(),
  /**
   * On the install: the folder a reference client's `workspace_root` (a host path) maps to,
   * `projects/<slug>-<hash>` (the mapping `/stream` gives `project_path`).
   */
  workspace_path: z.string().min(1).optional(),
});
export type AutomatonLifecycle = z.infer<typeof AutomatonLifecycle>;

/**
 * A tick begins: recorded before its work, so a tick that began is resumed, never begun
 * again. `cause_seq` is the latest event an `event_driven` tick answers.
 */
export const AutomatonTick = z.object({
  type: z.literal("automaton_tick"),
  automaton_id: AutomatonId,
  tick: z.number().int().positive(),
  due_ms: z.number().int(),
  cause_seq: z.number().int().positive().optional(),
  /** What the built-in chose to work on, before the work (a dev loop's `task_id`). */
  intent: z.record(z.string(), z.unknown()).optional(),
});
export type AutomatonTick = z.infer<typeof AutomatonTick>;

/**
 * A tick ended: what its work came to (`outcome`), with the built-in's detail. `cause_seq`
 * is the latest matching event an `event_driven` tick's work covered (its own commits).
 */
export const AutomatonTickDone = z.object({
  type: z.literal("automaton_tick_done"),
  automaton_id: AutomatonId,
  tick: z.number().int().positive(),
  cause_seq: z.number().int().positive().optional(),
  outcome: z.string().min(1),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AutomatonTickDone = z.infer<typeof AutomatonTickDone>;

/** Every `system` entry the automaton runtime records. */
export const AutomatonEvent = z.discriminatedUnion("type", [
  AutomatonLifecycle,
  AutomatonTick,
  AutomatonTickDone,
]);
export type AutomatonEvent = z.infer<typeof AutomatonEvent>;

/**
 * The id of a transaction the runtime records. `origin: "automaton"` is hashed in and no
 * admission number is, so no client transaction (whose id always has one) can pass for it.
 */
function automatonTxHash(fields: { agent_id: string; payload: string; ts_ms: number }): string {
  return hashCanonical({ origin: "automaton", tx_type: "system", ...fields });
}

/**
 * The `system` transaction recording an automaton event at `tsMs`.
 *
 * @example
 * automatonTransaction(agentId, { type: "automaton_tick", automaton_id, tick: 1, due_ms: now }, now);
 */
export function automatonTransaction(
  agentId: string,
  event: AutomatonEvent,
  tsMs: number,
): Transaction {
  const fields = { agent_id: agentId, payload: textToBase64(canonicalJson(event)), ts_ms: tsMs };
  return { hash: automatonTxHash(fields), tx_type: "system", ...fields };
}

/**
 * The automaton event a transaction records, or undefined when the runtime did not record
 * it (a client's look-alike has another id, so it is never read as one).
 *
 * @example
 * decodeAutomatonEvent(entry.tx)?.type; // "automaton_lifecycle"
 */
export function decodeAutomatonEvent(tx: Transaction): AutomatonEvent | undefined {
  if (tx.tx_type !== "system" || tx.idempotency_key !== undefined) return undefined;
  if (tx.reference_tx_hash !== undefined) return undefined;
  const fields = { agent_id: tx.agent_id, payload: tx.payload, ts_ms: tx.ts_ms };
  if (automatonTxHash(fields) !== tx.hash) return undefined;
  try {
    const parsed = AutomatonEvent.safeParse(JSON.parse(base64ToText(tx.payload)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
