import { isTerminalTx } from "../../src/agent/terminal-record.js";
import { decodeAutomatonEvent } from "../../src/automaton/automaton-record.js";
import { type AutomatonState, evolveAutomatons } from "../../src/automaton/automaton-state.js";
import { taskReadyOf } from "../../src/automaton/task-ready-event.js";
import { wakeAtMs } from "../../src/automaton/tick-plan.js";
import type { RecordEntry } from "../../src/core/record.js";
import {
  type AutomatonView,
  type EventFilter,
  filterTxType,
} from "../../src/protocol/automatons.js";
import type { AgentStore } from "../agent/agent-store.js";
import { isTurnReply } from "./chat-builtin.js";

/**
 * Every automaton of the agent, folded from the runtime's `system` entries: what an object
 * that just woke knows about its automatons, with nothing kept anywhere but the record.
 *
 * @example
 * const automatons = loadAutomatons(store); // Map<automaton_id, AutomatonState>
 */
export function loadAutomatons(store: AgentStore): Map<string, AutomatonState> {
  const all = new Map<string, AutomatonState>();
  const head = store.requireMeta().head_seq;
  for (const entry of store.entriesOfTypes(["system"], 1, head + 1)) foldEntry(all, entry);
  return all;
}

/** Folds one entry into the automatons when it records an automaton event. */
export function foldEntry(all: Map<string, AutomatonState>, entry: RecordEntry): boolean {
  const event = decodeAutomatonEvent(entry.tx);
  if (!event) return false;
  evolveAutomatons(all, event, { seq: entry.seq, ts_ms: entry.tx.ts_ms });
  return true;
}

/**
 * True when an entry is an event a filter ticks on: of the filter's type and from outside
 * the agent — never the runtime's own entries, a terminal's, or a turn's reply. A
 * `task_ready` filter matches the triggers its project delivered (`taskReadyOf`).
 */
export function matchesFilter(filter: EventFilter, entry: RecordEntry): boolean {
  if (!("tx_type" in filter)) return taskReadyOf(entry.tx)?.project_id === filter.project_id;
  if (entry.tx.tx_type !== filter.tx_type) return false;
  if (decodeAutomatonEvent(entry.tx) || isTerminalTx(entry.tx)) return false;
  return !isTurnReply(entry);
}

/** The latest seq after `afterSeq` of an event matching `filter`, if any. */
export function latestEventSeq(
  store: AgentStore,
  filter: EventFilter,
  afterSeq: number,
): number | undefined {
  const head = store.requireMeta().head_seq;
  if (head <= afterSeq) return undefined;
  const entries = store.entriesOfTypes([filterTxType(filter)], afterSeq + 1, head + 1);
  return entries.filter((e) => matchesFilter(filter, e)).at(-1)?.seq;
}

/** The runtime's own entries about one automaton, in record order. */
export function automatonEntries(store: AgentStore, automatonId: string): RecordEntry[] {
  const head = store.requireMeta().head_seq;
  return store
    .entriesOfTypes(["system"], 1, head + 1)
    .filter((e) => decodeAutomatonEvent(e.tx)?.automaton_id === automatonId);
}

/**
 * One automaton as the routes report it: its folded state, with the time it is next due.
 *
 * @example
 * const view = automatonView(state, meta.agent_id, Date.now());
 */
export function automatonView(state: AutomatonState, agentId: string, now: number): AutomatonView {
  const { automaton_id, kind, schedule, status, ticks, installed_seq, reason } = state;
  const view: AutomatonView = {
    automaton_id,
    agent_id: agentId,
    kind,
    schedule,
    status,
    ticks,
    installed_seq,
  };
  if (reason !== undefined) view.reason = reason;
  if (state.workspace_path !== undefined) view.workspace_path = state.workspace_path;
  const next = wakeAtMs(state, now);
  if (next !== undefined) view.next_due_ms = next;
  return view;
}
