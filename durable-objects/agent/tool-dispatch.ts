import { hasFilesChanged } from "../../src/agent/tool-executor.js";
import { isDomainTool } from "../../src/protocol/domain-tool-args.js";
import { outcomeUnknownResult } from "../../src/protocol/sandbox.js";
import type {
  InstalledToolSecrets,
  RecordedInstalledTool,
} from "../../src/session/session-record.js";
import { SANDBOX_TOOL_NAMES } from "../../src/tools/catalog.js";
import type { EndpointGuard } from "../../src/tools/endpoint-guard.js";
import type { SandboxClient } from "../../src/tools/sandbox-client.js";
import { SandboxCallError } from "../../src/tools/sandbox-errors.js";
import type { DomainTools } from "./domain-tools.js";
import { dispatchInstalled } from "./installed-tools.js";
import { type DispatchOutcome, failure, type ToolDispatch } from "./tool-gateway.js";

/** The tools that act on other agents, run by the Durable Object itself. */
export interface AgentTools {
  send_message(args: Record<string, unknown>, actionId: string): Promise<DispatchOutcome>;
  spawn_agent(args: Record<string, unknown>, actionId: string): Promise<DispatchOutcome>;
}

/** Where an agent's approved tool calls go. */
export interface DispatchTargets {
  /** The sandbox and the agent's workspace in it; absent when no sandbox is configured. */
  sandbox?: { client: SandboxClient; workspace: string };
  agents: AgentTools;
  /** The domain tools, over the projects of the agent's org; absent: they are disabled. */
  domain?: DomainTools;
  /**
   * The session's installed tools, by name, their credentials, and the guard their endpoints
   * must pass.
   */
  installed?: {
    tools: ReadonlyMap<string, RecordedInstalledTool>;
    secrets: InstalledToolSecrets;
    guard: EndpointGuard;
  };
  /** Waits between re-sends of a dispatch whose outcome is unknown (ms). */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [250, 1000];

/**
 * Routes an approved call: file and shell tools to the sandbox, agent tools to the object,
 * domain tools to the project's object, installed tools to their endpoints.
 * A sandbox that cannot be reached leaves the outcome unknown: the same request is re-sent
 * with the same idempotency key (the sandbox answers a repeat with its first outcome), and
 * if it stays unreachable the call is recorded as the protocol's `outcomeUnknownResult` — never
 * run blindly again.
 */
export function createToolDispatch(targets: DispatchTargets): ToolDispatch {
  const delays = targets.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  return async ({ tool, args, action_id }) => {
    if (tool === "send_message") return targets.agents.send_message(args, action_id);
    if (tool === "spawn_agent") return targets.agents.spawn_agent(args, action_id);
    if (isDomainTool(tool)) {
      if (targets.domain) return targets.domain(tool, args, action_id);
      return { result: failure(tool, "tool_disabled", "no project store is configured") };
    }
    const installed = targets.installed?.tools.get(tool);
    if (installed) {
      const guard = targets.installed?.guard ?? { allowlist: [] };
      return dispatchInstalled(installed, targets.installed?.secrets[tool], args, action_id, guard);
    }
    if (!SANDBOX_TOOL_NAMES.has(tool)) {
      return { result: failure(tool, "unknown_tool", `no tool named "${tool}"`) };
    }
    const { sandbox } = targets;
    if (!sandbox) {
      return {
        result: failure(tool, "tool_disabled", "no sandbox is configured (SANDBOX_URL)"),
      };
    }
    let lastError = "";
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await sleep(delays[attempt - 1] ?? 0);
      try {
        const reply = await sandbox.client.dispatch(sandbox.workspace, { action_id, tool, args });
        const outcome: DispatchOutcome = { result: reply.result };
        if (hasFilesChanged(reply.files_changed)) outcome.files_changed = reply.files_changed;
        return outcome;
      } catch (err) {
        if (!(err instanceof SandboxCallError)) throw err;
        // Turned away (4xx): certainly not run, and a re-send would be turned away too.
        if (err.refused) {
          return {
            result: failure(tool, "io_error", `the sandbox refused the call: ${err.message}`),
          };
        }
        lastError = err.message;
      }
    }
    return {
      result: outcomeUnknownResult(
        tool,
        `outcome_unknown: the sandbox did not answer (${lastError}); the call may or may not have run`,
      ),
    };
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
