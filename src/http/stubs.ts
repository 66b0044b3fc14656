import type { AgentDO } from "../../durable-objects/agent-do.js";

/**
 * The Durable Object of one agent of one org. The org is part of the object's name, so a
 * token of another org addresses a different (empty) object and never reaches this agent.
 */
export function agentStub(env: Env, org: string, agentId: string): DurableObjectStub<AgentDO> {
  return env.AGENT.get(env.AGENT.idFromName(JSON.stringify([org, agentId])));
}

/**
 * Headers the Worker sets on a `/stream` upgrade it forwards to an agent's object, naming the
 * caller it authenticated (clients cannot reach the object, and the Worker overwrites these).
 */
export const CALLER_HEADERS = {
  org: "x-aura-caller-org",
  sub: "x-aura-caller-sub",
  agent: "x-aura-caller-agent",
  jwt: "x-aura-caller-jwt",
} as const;
