import { loadConfig } from "../../src/config.js";
import type { Result } from "../../src/core/errors.js";
import { bytesToHex } from "../../src/core/hash.js";
import { resolvePolicy } from "../../src/kernel/policy.js";
import { agentNotFound, ownedMeta } from "./admission.js";
import type { AgentStore } from "./agent-store.js";
import type { SessionHub } from "./session-hub.js";
import type { LatestSession } from "./session-of-record.js";
import {
  type CloseTerminalInput,
  type OpenedTerminal,
  type OpenTerminalInput,
  TerminalGate,
} from "./terminal-gate.js";

/**
 * The gate of one agent's object: its policy (the agent's setting over `AURA_POLICY`), its
 * latest session and its watchers.
 *
 * @example
 * const terminals = terminalGateOf(env, store, hub, session);
 */
export function terminalGateOf(
  env: Env,
  store: AgentStore,
  hub: SessionHub,
  session: LatestSession,
): TerminalGate {
  return new TerminalGate({
    store,
    policy: () => resolvePolicy(store.requireMeta().settings.policy, loadConfig(env).policy),
    sessionSeq: () => session.get(store.sql)?.seq ?? 1,
    hasWatchers: () => hub.hasWatchers(),
    newTerminalId: () => bytesToHex(crypto.getRandomValues(new Uint8Array(16))),
    now: () => Date.now(),
  });
}

/**
 * `openTerminal` for the caller that owns the agent (`not_found` for anyone else): decided
 * by the agent's policy for the `terminal` tool and recorded either way.
 *
 * @example
 * const opened = await openOwnedTerminal(store, terminals, { org, agent_id, sub });
 */
export async function openOwnedTerminal(
  store: AgentStore,
  gate: TerminalGate,
  input: OpenTerminalInput,
): Promise<Result<OpenedTerminal>> {
  if (!ownedMeta(store, input)) return agentNotFound(input.agent_id);
  return gate.open(input);
}

/**
 * `closeTerminal` for the caller that owns the agent: records how an opened terminal ended.
 *
 * @example
 * closeOwnedTerminal(store, terminals, { ...address, terminal_id, sub, opened_at, closed_by: "client", code: 1000 });
 */
export function closeOwnedTerminal(
  store: AgentStore,
  gate: TerminalGate,
  input: CloseTerminalInput,
): Result<{ seq: number }> {
  if (!ownedMeta(store, input)) return agentNotFound(input.agent_id);
  return gate.close(input);
}
