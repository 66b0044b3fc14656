import type { AgentDO } from "./agent-do.js";
import type { ProjectDO } from "./project-do.js";

/**
 * The Durable Object of one agent of one org. The org is part of the object's name, so a
 * token of another org addresses a different (empty) object and never reaches this agent.
 */
export function agentStub(env: Env, org: string, agentId: string): DurableObjectStub<AgentDO> {
  return env.AGENT.get(env.AGENT.idFromName(JSON.stringify([org, agentId])));
}

/**
 * The Durable Object of one project of one org, named from both (under a `project` tag), so
 * a token of another org addresses a different (empty) object.
 *
 * @example
 * const stub = projectStub(env, "acme", projectId);
 */
export function projectStub(
  env: Env,
  org: string,
  projectId: string,
): DurableObjectStub<ProjectDO> {
  return env.PROJECT.get(env.PROJECT.idFromName(JSON.stringify(["project", org, projectId])));
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
