import { textToBase64 } from "../../src/core/base64.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import type { Result } from "../../src/core/errors.js";
import { hashCanonical } from "../../src/core/hash.js";
import type { AgentMessage } from "../../src/protocol/agent-message.js";
import type { AgentSettings } from "../../src/protocol/agents.js";
import type { ToolResult } from "../../src/protocol/sandbox.js";
import type { AdmitInput } from "./admission.js";
import type { AgentTools } from "./tool-dispatch.js";
import { type DispatchOutcome, failure } from "./tool-gateway.js";
import { spawnTaskKey } from "./turn-runner.js";

/** What the agent tools need of the runtime: other agents of the same org. */
export interface AgentToolsHost {
  org: string;
  agent_id: string;
  settings: AgentSettings;
  now(): number;
  admit(input: AdmitInput): Promise<Result<{ tx_id: string }>>;
  create(agentId: string, settings: AgentSettings): Promise<Result<{ agent_id: string }>>;
}

/**
 * `send_message` and `spawn_agent`: both only admit transactions to other agents of the same
 * org and return at once — no agent ever waits on another's turn, so agents that message each
 * other in a cycle cannot deadlock. Each admission carries a key derived from the action id,
 * so a re-sent dispatch admits nothing new.
 */
export function agentTools(host: AgentToolsHost): AgentTools {
  return {
    async send_message(args, actionId) {
      const target = String(args.agent_id);
      if (target === host.agent_id) {
        return fail(
          "send_message",
          "invalid_arguments",
          "agent_id: an agent cannot message itself",
        );
      }
      const message: AgentMessage = {
        kind: "message",
        from_agent_id: host.agent_id,
        content: String(args.content),
      };
      const admitted = await host.admit({
        org: host.org,
        agent_id: target,
        kind: "agent_msg",
        payload: textToBase64(canonicalJson(message)),
        idempotency_key: `agent_msg:${actionId}`,
        existing_only: true,
        now: host.now(),
      });
      if (!admitted.ok) return refused("send_message", target, admitted);
      return done("send_message", `message delivered to agent ${target}`, {
        agent_id: target,
        tx_id: admitted.tx_id,
      });
    },

    async spawn_agent(args, actionId) {
      const child = hashCanonical(["aura-spawn", host.agent_id, actionId]);
      const settings: AgentSettings = {
        name: `spawned by ${host.agent_id.slice(0, 12)}`,
        parent: { agent_id: host.agent_id, spawn_tx: actionId },
      };
      const systemPrompt = args.system_prompt ?? host.settings.system_prompt;
      if (typeof systemPrompt === "string") settings.system_prompt = systemPrompt;
      if (host.settings.model !== undefined) settings.model = host.settings.model;
      if (host.settings.policy !== undefined) settings.policy = host.settings.policy;
      if (host.settings.project_id !== undefined) settings.project_id = host.settings.project_id;
      const created = await host.create(child, settings);
      // A repeat of this dispatch finds the child already there: the same child, not a second.
      if (!created.ok && created.code !== "conflict") return refused("spawn_agent", child, created);
      const admitted = await host.admit({
        org: host.org,
        agent_id: child,
        kind: "user_prompt",
        payload: textToBase64(String(args.task)),
        idempotency_key: spawnTaskKey(actionId),
        existing_only: true,
        now: host.now(),
      });
      if (!admitted.ok) return refused("spawn_agent", child, admitted);
      return done(
        "spawn_agent",
        `spawned agent ${child}; its answer will arrive as a message referencing this call`,
        { agent_id: child, tx_id: admitted.tx_id },
      );
    },
  };
}

function done(tool: string, stdout: string, metadata: Record<string, unknown>): DispatchOutcome {
  const result: ToolResult = { tool, ok: true, stdout, stderr: "", metadata };
  return { result };
}

function fail(tool: string, code: string, message: string): DispatchOutcome {
  return { result: failure(tool, code, message) };
}

function refused(
  tool: string,
  target: string,
  failed: { code: string; message: string },
): DispatchOutcome {
  if (failed.code === "not_found") {
    return fail(tool, "invalid_arguments", `agent_id: no agent ${target} in your organisation`);
  }
  return fail(tool, "io_error", `${failed.code}: ${failed.message}`);
}
