import { type Failure, fail } from "../../src/core/errors.js";
import type { AgentStatus } from "../../src/core/record.js";
import type { AdmitInput } from "./admission.js";

/** Seconds a client waits when an active agent's queue is full: about one queued turn. */
export const ACTIVE_RETRY_AFTER_S = 2;
/** Seconds a client waits when a paused agent's queue is full: nothing drains until resumed. */
export const PAUSED_RETRY_AFTER_S = 30;

/** The agent's queue as admission sees it. */
export interface InboxDepth {
  /** Transactions admitted and not yet processed (a paused agent's included). */
  queued: number;
  /** `AURA_INBOX_LIMIT`. */
  limit: number;
  /** Absent for an agent this admission would create. */
  status?: AgentStatus;
}

/**
 * The `rate_limited` failure for a client submission that would take a full queue past its
 * limit, or undefined when it may be queued. Only what a principal submits counts against the
 * limit (`sub` set: `POST /tx`, a `/stream` prompt); what agents send each other, and the
 * `session_start` a socket records, are never refused here. `details.retry_after` is the
 * `retry-after` header's value, in seconds.
 *
 * @example
 * inboxFull({ kind: "user_prompt", sub: "u", ... }, { queued: 1000, limit: 1000 });
 * // { ok: false, code: "rate_limited", details: { retry_after: 2, queued: 1000, limit: 1000 }, ... }
 */
export function inboxFull(
  input: Pick<AdmitInput, "kind" | "sub" | "agent_id">,
  depth: InboxDepth,
): Failure | undefined {
  if (input.sub === undefined || input.kind === "session_start") return undefined;
  if (depth.queued < depth.limit) return undefined;
  const retryAfter = depth.status === "paused" ? PAUSED_RETRY_AFTER_S : ACTIVE_RETRY_AFTER_S;
  return fail(
    "rate_limited",
    `agent ${input.agent_id} has ${depth.queued} transactions queued (limit ${depth.limit}); retry after ${retryAfter} s`,
    { retry_after: retryAfter, queued: depth.queued, limit: depth.limit },
  );
}
