import { AgentId } from "../core/ids.js";

/**
 * What a `session_init.aura_agent_id` names: one of our agents (64 lowercase hex), which the
 * session attaches to, or — any other id, such as the UUID a reference client sends — the
 * billing id that proxy-mode model calls carry as `X-Aura-Agent-Id`.
 */
export type AuraAgentRef = { kind: "agent"; agent_id: string } | { kind: "billing"; id: string };

/**
 * Reads an `aura_agent_id` (already checked as a header-safe id by the frame's schema).
 *
 * @example
 * auraAgentRefOf("ab".repeat(32));                           // { kind: "agent", agent_id: "abab…" }
 * auraAgentRefOf("6f1c2a4e-0b7d-4c55-9a3e-2f8d1e0c9b71");   // { kind: "billing", id: "6f1c…" }
 */
export function auraAgentRefOf(value: string): AuraAgentRef {
  return AgentId.safeParse(value).success
    ? { kind: "agent", agent_id: value }
    : { kind: "billing", id: value };
}

/** What the Worker reads of a socket's first frame before it knows the socket's agent. */
export interface InitHints {
  /** The agent the `session_init` attaches to, when its `aura_agent_id` names one. */
  attach?: string;
  /** True when it opts in to frames beyond the reference's (`aura_extensions: true`). */
  extensions: boolean;
}

/**
 * The hints of a raw client frame that is a `session_init`, or undefined for any other frame
 * (or text that is not JSON); never throws, and checks nothing else (the agent's object
 * parses the frame in full).
 *
 * @example
 * initHintsOf('{"type":"session_init","aura_agent_id":"abab…","aura_extensions":true}');
 * // { attach: "abab…", extensions: true }
 * initHintsOf('{"type":"session_init","aura_agent_id":"6f1c2a4e-…"}'); // { extensions: false }
 */
export function initHintsOf(frame: unknown): InitHints | undefined {
  if (typeof frame !== "string") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  if (fields.type !== "session_init") return undefined;
  const hints: InitHints = { extensions: fields.aura_extensions === true };
  if (typeof fields.aura_agent_id === "string") {
    const ref = auraAgentRefOf(fields.aura_agent_id);
    if (ref.kind === "agent") hints.attach = ref.agent_id;
  }
  return hints;
}
