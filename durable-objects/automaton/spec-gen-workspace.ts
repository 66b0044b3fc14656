import { loadConfig } from "../../src/config.js";
import type { AgentSettings } from "../../src/protocol/agents.js";
import { SandboxCallError } from "../../src/tools/sandbox-errors.js";
import { sandboxClientOf } from "../../src/tools/sandbox-of-config.js";
import { agentWorkspaceOf } from "../../src/tools/workspace-id.js";

/** What an agent created for `spec-gen` works on, from its settings. */
export interface SpecGenTarget {
  project_id: string;
  /** The workspace file holding the requirements. */
  requirements_path: string;
}

/**
 * The project and requirements file of an agent's settings, or undefined for an agent not
 * made for `spec-gen`.
 *
 * @example
 * specGenTargetOf({ project_id, spec_gen: { requirements_path: "requirements.md" } });
 */
export function specGenTargetOf(settings: AgentSettings): SpecGenTarget | undefined {
  if (settings.project_id === undefined || settings.spec_gen === undefined) return undefined;
  return {
    project_id: settings.project_id,
    requirements_path: settings.spec_gen.requirements_path,
  };
}

/**
 * A file read from a workspace: its text, or why not. `unavailable` marks a sandbox that did
 * not answer (nothing is known about the file) apart from one that answered "no such file".
 */
export type WorkspaceRead =
  | { ok: true; content: string }
  | { ok: false; error: string; unavailable: boolean };

/**
 * Reads `path` from the workspace the agent's sandbox calls go to — the project's, for an
 * agent created with `workspace: "project"` (`agentWorkspaceOf`) — through the same client
 * and workspace-scoped token as its tool calls, the reply validated by the client.
 *
 * @example
 * const read = await readWorkspaceFile(env, store.requireMeta(), "requirements.md");
 */
export async function readWorkspaceFile(
  env: Env,
  agent: { org: string; agent_id: string; settings: AgentSettings },
  path: string,
): Promise<WorkspaceRead> {
  const client = sandboxClientOf(loadConfig(env), env);
  if (!client) {
    const error = "no sandbox is configured (SANDBOX_URL or the SANDBOX binding)";
    return { ok: false, error, unavailable: false };
  }
  const workspace = agentWorkspaceOf(agent.org, agent.agent_id, agent.settings);
  try {
    const read = await client.readFile(workspace, path);
    return read.ok
      ? { ok: true, content: read.content }
      : { ok: false, error: read.error, unavailable: false };
  } catch (err) {
    // A 4xx is the sandbox turning the request away: no later try would fare better.
    if (!(err instanceof SandboxCallError)) throw err;
    return { ok: false, error: err.message, unavailable: !err.refused };
  }
}
