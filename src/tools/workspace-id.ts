import { hashCanonical } from "../core/hash.js";

/**
 * The sandbox workspace of an agent: a digest of its org and id, so agents of two orgs that
 * share an id never share files, and the sandbox never sees either name.
 *
 * @example
 * workspaceIdOf("acme", "ab".repeat(32)); // 64 hex chars
 */
export function workspaceIdOf(org: string, agentId: string): string {
  return hashCanonical(["aura-workspace", org, agentId]);
}
