import type { Config } from "../../src/config.js";
import { agentStub } from "../../src/http/stubs.js";
import { resolvePolicy } from "../../src/kernel/policy.js";
import { builtinToolDefinitions } from "../../src/tools/catalog.js";
import { sandboxClientOf } from "../../src/tools/sandbox-of-config.js";
import { workspaceIdOf } from "../../src/tools/workspace-id.js";
import { agentTools } from "./agent-tools.js";
import type { AgentMeta } from "./meta-table.js";
import { createToolDispatch } from "./tool-dispatch.js";
import type { RunnerHost } from "./turn-runner.js";

/**
 * The tools of one agent's turns: the catalog offered to the model, its policy (the agent's
 * setting over `AURA_POLICY`), and the dispatch of approved calls to the sandbox (the agent's
 * own workspace) or to other agents of its org.
 */
export function toolHostOf(
  env: Env,
  config: Config,
  meta: Readonly<AgentMeta>,
): RunnerHost["tools"] {
  const client = sandboxClientOf(config);
  const now = () => Date.now();
  const agents = agentTools({
    org: meta.org,
    agent_id: meta.agent_id,
    settings: meta.settings,
    now,
    admit: (input) => agentStub(env, input.org, input.agent_id).admit(input),
    create: (agentId, settings) =>
      agentStub(env, meta.org, agentId).create({
        org: meta.org,
        agent_id: agentId,
        settings,
        now: now(),
      }),
  });
  return {
    definitions: builtinToolDefinitions(),
    policy: resolvePolicy(meta.settings.policy, config.policy),
    dispatch: createToolDispatch({
      ...(client ? { sandbox: { client, workspace: workspaceIdOf(meta.org, meta.agent_id) } } : {}),
      agents,
    }),
  };
}
