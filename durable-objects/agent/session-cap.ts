import { AuraError } from "../../src/core/errors.js";

/** Seconds a refused client waits: a place opens only when another session leaves. */
export const SESSION_RETRY_AFTER_S = 30;

/**
 * The answer to a `/stream` upgrade when the agent already holds `open` sessions and its cap
 * (`AURA_MAX_SESSIONS_PER_AGENT`) is `limit`: `429 rate_limited` with `retry-after`, in the
 * one error model; undefined while there is room. Nothing is accepted or recorded.
 *
 * @example
 * sessionCapRefusal(64, 64)?.status; // 429
 */
export function sessionCapRefusal(open: number, limit: number): Response | undefined {
  if (open < limit) return undefined;
  const error = new AuraError(
    "rate_limited",
    `this agent has ${open} open sessions (limit ${limit}); retry after ${SESSION_RETRY_AFTER_S} s`,
    { retry_after: SESSION_RETRY_AFTER_S, sessions: open, limit },
  );
  return Response.json(error.toBody(), {
    status: error.status,
    headers: { "retry-after": String(SESSION_RETRY_AFTER_S) },
  });
}
