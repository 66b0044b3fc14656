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

/**
 * The sandbox workspace of a project (where its dev loop works): a digest like
 * {@link workspaceIdOf} under its own tag, so it never equals an agent's workspace.
 *
 * @example
 * projectWorkspaceIdOf("acme", "cd".repeat(32)); // 64 hex chars
 */
export function projectWorkspaceIdOf(org: string, projectId: string): string {
  return hashCanonical(["aura-project-workspace", org, projectId]);
}
