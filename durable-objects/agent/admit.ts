import { loadConfig } from "../../src/config.js";
import type { Result } from "../../src/core/errors.js";
import { loggerFor } from "../../src/log/env-logger.js";
import { errorFields } from "../../src/log/error-fields.js";
import type { AutomatonRuntime } from "../automaton/automaton-runtime.js";
import { directoryStub } from "../directory-do.js";
import { type AdmitInput, planAdmission } from "./admission.js";
import type { AgentStore } from "./agent-store.js";
import type { DrainSchedule } from "./drain-schedule.js";
import { selectIdempotency } from "./meta-table.js";
import type { TurnHost } from "./turn-host.js";
import { startsTurn } from "./turn-runner.js";

/** What admitting a transaction reaches in the agent's object. */
export interface AdmitHost {
  env: Env;
  store: AgentStore;
  schedule: DrainSchedule;
  automatons: AutomatonRuntime;
  turns: TurnHost;
}

/**
 * Admits a client transaction into the agent of `host`: assigns `ts_ms` and its id, commits
 * its entry at once when nothing is queued ahead and no turn runs (else queues it) and arms
 * the alarm in the same synchronous block — one storage write, so a transaction acknowledged
 * here is processed even if the object is evicted right after. An unknown agent is created
 * in the caller's org (and listed in its directory).
 *
 * @example
 * await admitTransaction(host, { org, agent_id, kind: "user_prompt", payload, now: Date.now() });
 * // { ok: true, tx_id: "9f…", duplicate: false }
 */
export async function admitTransaction(
  host: AdmitHost,
  input: AdmitInput,
): Promise<Result<{ tx_id: string; duplicate: boolean }>> {
  const { store, schedule, automatons } = host;
  const key = input.idempotency_key;
  const seen = key === undefined ? undefined : selectIdempotency(store.sql, key);
  const nextAdmission = store.nextAdmission();
  const { windowSize, inboxLimit } = loadConfig(host.env);
  const depth = { queued: store.queuedCount(), limit: inboxLimit };
  const plan = planAdmission(input, store.meta(), seen, nextAdmission, windowSize, depth);
  if (plan.type === "refuse") return plan.failure;
  if (plan.type === "duplicate") return { ok: true, tx_id: plan.tx_id, duplicate: true };
  const { admission } = plan;
  const opensTurn = startsTurn(admission.tx);
  const held = opensTurn && automatons.holdsTurns();
  if (store.canCommitOnAdmission() && !held) {
    // Nothing is queued ahead and no turn runs: the inbound entry commits with the admission.
    store.admitCommitted(admission, opensTurn ? "open" : "close");
  } else {
    store.admit(admission);
  }
  // Same synchronous block as the write above: SQLite-backed storage commits both together.
  const workToDo = opensTurn || store.queuedCount() > 0;
  if (workToDo) schedule.armAlarm();
  if (admission.create) await registerInDirectory(host);
  if (opensTurn && input.caller_jwt !== undefined)
    host.turns.rememberCaller(admission.tx.hash, input.caller_jwt);
  if (workToDo) schedule.soon();
  if (automatons.active()) automatons.poke();
  return { ok: true, tx_id: admission.tx.hash, duplicate: false };
}

/**
 * Lists the agent in its org's directory once (a no-op when it is listed); a failure is
 * logged and left to the alarm, which retries it.
 *
 * @example
 * await registerInDirectory({ env, store, schedule });
 */
export async function registerInDirectory(
  host: Pick<AdmitHost, "env" | "store" | "schedule">,
): Promise<void> {
  const meta = host.store.meta();
  if (!meta || meta.registered) return;
  try {
    await directoryStub(host.env, meta.org).register(meta.agent_id, meta.created_at);
    host.store.markRegistered();
  } catch (err) {
    const fields = { org: meta.org, agent_id: meta.agent_id, ...errorFields(err) };
    loggerFor(host.env).log("error", "directory_registration_failed", fields); // alarm retries
    host.schedule.armAlarm();
  }
}
