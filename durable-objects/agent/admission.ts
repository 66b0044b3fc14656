import { type Failure, fail } from "../../src/core/errors.js";
import { hashCanonical, ZERO_HASH } from "../../src/core/hash.js";
import type { ClientTxType, Transaction } from "../../src/core/record.js";
import { admissionTxHash } from "../../src/kernel/tx-hash.js";
import type { AgentSettings } from "../../src/protocol/agents.js";
import type { Admission } from "./agent-store.js";
import { type InboxDepth, inboxFull } from "./inbox-limit.js";
import type { AgentMeta } from "./meta-table.js";

/** Who is asking, and for which agent: every call names both. */
export interface AgentAddress {
  org: string;
  agent_id: string;
}

/** `admit`: one client transaction. */
export interface AdmitInput extends AgentAddress {
  /** A client kind, or `session_start` (admitted by the object for a WebSocket session). */
  kind: ClientTxType | "session_start";
  payload: string;
  idempotency_key?: string;
  now: number;
  /**
   * The caller's JWT, kept in memory only (never recorded) for the model calls of the turn
   * this transaction starts: proxy mode forwards it to the router.
   */
  caller_jwt?: string;
  /** Set by agents, not clients: the transaction this one answers (in the sender's record). */
  reference_tx_hash?: string;
  /** Refuse (`not_found`) instead of creating the agent when it does not exist. */
  existing_only?: boolean;
  /**
   * `sub` of the principal that submitted it (`POST /tx`, a `/stream` socket): recorded in
   * the transaction, so the record says who did what. Absent for what agents send each other.
   */
  sub?: string;
}

/** What admitting a transaction comes to. */
export type AdmissionPlan =
  | { type: "admit"; admission: Admission }
  | { type: "duplicate"; tx_id: string }
  | { type: "refuse"; failure: Failure };

/**
 * Decides what admitting `input` does, given the agent's metadata (absent for a new agent),
 * the idempotency record of its key, the number this admission would get and the depth of its
 * queue. Reads nothing else and writes nothing: a refusal (a full queue included) leaves no trace.
 */
export function planAdmission(
  input: AdmitInput,
  meta: Readonly<AgentMeta> | undefined,
  seen: { tx_id: string; request_digest: string } | undefined,
  admission: number,
  windowSize: number,
  depth: Omit<InboxDepth, "status">,
): AdmissionPlan {
  if ((meta && meta.org !== input.org) || (!meta && input.existing_only === true))
    return { type: "refuse", failure: agentNotFound(input.agent_id) };
  if (meta?.status === "dead") {
    return { type: "refuse", failure: fail("agent_dead", `agent ${input.agent_id} is dead`) };
  }
  const key = input.idempotency_key;
  const digest =
    key === undefined ? undefined : hashCanonical({ kind: input.kind, payload: input.payload });
  if (seen) {
    if (seen.request_digest !== digest) {
      return {
        type: "refuse",
        failure: fail(
          "conflict",
          "idempotency_key was already used with a different kind or payload",
        ),
      };
    }
    return { type: "duplicate", tx_id: seen.tx_id };
  }
  const full = inboxFull(input, meta ? { ...depth, status: meta.status } : depth);
  if (full) return { type: "refuse", failure: full };
  const keyed = key === undefined ? {} : { idempotency_key: key };
  const submitter = input.sub === undefined ? {} : { sub: input.sub };
  const tx: Transaction = {
    hash: admissionTxHash({
      agent_id: input.agent_id,
      tx_type: input.kind,
      payload: input.payload,
      ts_ms: input.now,
      admission,
      ...keyed,
      ...submitter,
    }),
    agent_id: input.agent_id,
    ts_ms: input.now,
    tx_type: input.kind,
    payload: input.payload,
    ...(input.reference_tx_hash === undefined
      ? {}
      : { reference_tx_hash: input.reference_tx_hash }),
    ...keyed,
    ...submitter,
  };
  const queued: Admission = { tx, pos: admission };
  if (!meta) queued.create = newAgentMeta(input, {}, windowSize);
  if (key !== undefined && digest !== undefined) queued.idempotency = { key, digest };
  return { type: "admit", admission: queued };
}

/** The metadata row of a new, active agent with an empty record. */
export function newAgentMeta(
  address: AgentAddress & { now: number },
  settings: AgentSettings,
  windowSize: number,
): AgentMeta {
  return {
    agent_id: address.agent_id,
    org: address.org,
    status: "active",
    created_at: address.now,
    settings,
    window_size: windowSize,
    head_seq: 0,
    head_hash: ZERO_HASH,
    admissions: 0,
    open_turn_seq: null,
    registered: false,
  };
}

/** The answer for an agent that does not exist for the caller. */
export function agentNotFound(agentId: string): Failure {
  return fail("not_found", `agent ${agentId} not found`);
}

/**
 * The agent's metadata when it exists and belongs to `address` (its org and id); undefined
 * otherwise, which every call answers with {@link agentNotFound}.
 *
 * @example
 * if (!ownedMeta(store, address)) return agentNotFound(address.agent_id);
 */
export function ownedMeta(
  store: { meta(): Readonly<AgentMeta> | undefined },
  address: AgentAddress,
): Readonly<AgentMeta> | undefined {
  const meta = store.meta();
  if (!meta || meta.org !== address.org || meta.agent_id !== address.agent_id) return undefined;
  return meta;
}
