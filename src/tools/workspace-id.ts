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

/**
 * The workspace an agent's sandbox calls go to: its project's when its settings say so
 * (`workspace: "project"`, with the `project_id` checked in its org when it was created), else
 * its own. Both digests include the org, so no setting reaches another org's files.
 *
 * @example
 * agentWorkspaceOf("acme", agentId, { workspace: "project", project_id }); // the project's
 */
export function agentWorkspaceOf(
  org: string,
  agentId: string,
  settings: { workspace?: "project"; project_id?: string | undefined },
): string {
  if (settings.workspace === "project" && settings.project_id !== undefined) {
    return projectWorkspaceIdOf(org, settings.project_id);
  }
  return workspaceIdOf(org, agentId);
}
