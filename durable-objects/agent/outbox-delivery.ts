import type { Result } from "../../src/core/errors.js";
import { failureLogger } from "../../src/log/env-logger.js";
import { errorFields } from "../../src/log/error-fields.js";
import type { AdmitInput } from "./admission.js";
import type { AgentStore } from "./agent-store.js";

/** How many owed messages one delivery pass sends at most. */
const PASS = 20;

/**
 * Delivers the messages this agent owes other agents of its org (`outbox`), each admitted
 * with its key, so a repeat after a crash admits nothing new. A recipient that no longer
 * exists is skipped; any other failure stops the pass and returns false (the caller's alarm
 * retries). Returns true when nothing is left owed.
 */
export async function deliverOutbox(
  store: AgentStore,
  admit: (input: AdmitInput) => Promise<Result<{ tx_id: string }>>,
  now: () => number,
): Promise<boolean> {
  const meta = store.meta();
  if (!meta || !store.hasOutbox()) return true;
  for (const message of store.outbox(PASS)) {
    try {
      const admitted = await admit({
        org: meta.org,
        agent_id: message.target_agent_id,
        kind: "agent_msg",
        payload: message.payload,
        idempotency_key: message.key,
        existing_only: true,
        now: now(),
        ...(message.reference_tx_hash === undefined
          ? {}
          : { reference_tx_hash: message.reference_tx_hash }),
      });
      if (!admitted.ok && admitted.code !== "not_found") throw new Error(admitted.message);
      store.delivered(message.key);
    } catch (err) {
      // The alarm retries it.
      failureLogger.log("error", "message_delivery_failed", {
        org: meta.org,
        agent_id: meta.agent_id,
        ...errorFields(err),
      });
      return false;
    }
  }
  return !store.hasOutbox();
}
