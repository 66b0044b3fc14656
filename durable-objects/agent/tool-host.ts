import { TERMINAL_TOOL } from "../../src/agent/terminal-record.js";
import type { Config } from "../../src/config.js";
import { resolvePolicy } from "../../src/kernel/policy.js";
import { isDomainTool } from "../../src/protocol/domain-tool-args.js";
import { isBuiltinTool } from "../../src/protocol/tool-args.js";
import type { ToolDefinition } from "../../src/reasoner/types.js";
import type {
  InstalledToolSecrets,
  RecordedInstalledTool,
} from "../../src/session/session-record.js";
import { builtinToolDefinitions } from "../../src/tools/catalog.js";
import { domainToolDefinitions } from "../../src/tools/domain-catalog.js";
import type { EndpointGuard } from "../../src/tools/endpoint-guard.js";
import { sandboxClientOf } from "../../src/tools/sandbox-of-config.js";
import { validateToolArgs } from "../../src/tools/validate-args.js";
import { agentWorkspaceOf } from "../../src/tools/workspace-id.js";
import { controlDevLoop, startDevLoop } from "../automaton/project-automaton-start.js";
import { agentStub, projectStub } from "../stubs.js";
import { agentTools } from "./agent-tools.js";
import { domainTools } from "./domain-tools.js";
import type { AgentMeta } from "./meta-table.js";
import { createToolDispatch } from "./tool-dispatch.js";
import type { TurnTools } from "./turn-runner.js";

/** A session's installed tools and their credentials. */
export interface InstalledTools {
  tools: readonly RecordedInstalledTool[];
  secrets: InstalledToolSecrets;
}

/**
 * The tools of one agent's turn: the catalog offered to the model (built-ins, domain tools,
 * then the session's installed tools — none of which may shadow a built-in, a domain tool or
 * the terminal), its policy (the agent's setting over `AURA_POLICY`), argument checks, and
 * the dispatch of approved calls to the sandbox (the agent's workspace, or its project's when
 * its settings say so), to other agents
 * of its org, to its org's projects, or to installed endpoints.
 */
export function turnToolsOf(
  env: Env,
  config: Config,
  meta: Readonly<AgentMeta>,
  installed?: InstalledTools,
): TurnTools {
  const client = sandboxClientOf(config, env);
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
  const domain = domainTools({
    org: meta.org,
    agent_id: meta.agent_id,
    project_id: meta.settings.project_id,
    now,
    project: (projectId) => projectStub(env, meta.org, projectId),
    devLoop: {
      start: async (projectId, model) => {
        const started = await startDevLoop(env, { org: meta.org, project_id: projectId, model });
        return started.ok
          ? { ok: true, automaton_id: started.automaton_id, status: started.status }
          : started;
      },
      control: (projectId, command) =>
        controlDevLoop(env, { org: meta.org, project_id: projectId }, command),
    },
  });
  // Installed tools never take a built-in's or domain tool's name, nor the terminal's.
  const extra = (installed?.tools ?? []).filter(
    (t) => !isBuiltinTool(t.name) && !isDomainTool(t.name) && t.name !== TERMINAL_TOOL,
  );
  const byName = new Map(extra.map((t) => [t.name, t]));
  const definitions: ToolDefinition[] = [...builtinToolDefinitions(), ...domainToolDefinitions()];
  for (const tool of extra) {
    definitions.push({
      name: tool.name,
      description: tool.description,
      input_schema: tool.input_schema,
    });
  }
  return {
    definitions,
    policy: resolvePolicy(meta.settings.policy, config.policy),
    validate: (tool, input) => {
      if (!byName.has(tool)) return validateToolArgs(tool, input);
      if (typeof input === "object" && input !== null && !Array.isArray(input)) {
        return { ok: true, args: input as Record<string, unknown> };
      }
      return { ok: false, code: "invalid_arguments", message: "arguments: expected an object" };
    },
    dispatch: createToolDispatch({
      ...(client
        ? {
            sandbox: {
              client,
              workspace: agentWorkspaceOf(meta.org, meta.agent_id, meta.settings),
            },
          }
        : {}),
      agents,
      domain,
      installed: {
        tools: byName,
        secrets: installed?.secrets ?? {},
        guard: endpointGuardOf(config),
      },
    }),
  };
}

/** The guard installed-tool endpoints must pass under this configuration. */
export function endpointGuardOf(config: Config): EndpointGuard {
  return {
    allowlist: config.toolEndpointAllowlist,
    ...(config.sandboxUrl === undefined ? {} : { sandboxUrl: config.sandboxUrl }),
  };
}
