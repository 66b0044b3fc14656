import { loadConfig } from "../../src/config.js";
import { checkToolEndpoint } from "../../src/tools/endpoint-guard.js";
import type { AgentStore } from "./agent-store.js";
import { waitingApprovals } from "./approval.js";
import type { SessionHub } from "./session-hub.js";
import { insertSessionSecrets } from "./session-secret-table.js";
import type { StreamHost } from "./stream-sessions.js";
import { endpointGuardOf, turnToolsOf } from "./tool-host.js";

/** What the agent's object lends its session layer. */
export interface StreamHostDeps {
  env: Env;
  store: AgentStore;
  hub: SessionHub;
  createAgent: StreamHost["createAgent"];
  admit: StreamHost["admit"];
  approve: StreamHost["approve"];
  /** `tool_use_id`s of terminals waiting for approval. */
  terminalRequests(): string[];
  /** Asks the turn at `turnSeq` to stop at its next safe point. */
  cancel(turnSeq: number): void;
}

/**
 * The session layer's view of one agent: its record and metadata through the store, its
 * commands through the object's own methods, so a frame does exactly what the matching HTTP
 * request does.
 */
export function streamHostOf(deps: StreamHostDeps): StreamHost {
  const { env, store, hub } = deps;
  return {
    hub,
    exists: () => store.meta() !== undefined,
    createAgent: deps.createAgent,
    admit: deps.admit,
    approve: deps.approve,
    cancel: () => {
      const open = store.meta()?.open_turn_seq;
      if (open !== null && open !== undefined) deps.cancel(open);
    },
    openTurnSeq: () => store.meta()?.open_turn_seq ?? null,
    entriesFrom: (fromSeq, limit) => store.entriesFrom(fromSeq, limit),
    headSeq: () => store.meta()?.head_seq ?? 0,
    waitingApprovals: () => [
      ...waitingApprovals(store).map((a) => a.tool_use_id),
      ...deps.terminalRequests(),
    ],
    endpointRefusal: (tools) => {
      const guard = endpointGuardOf(loadConfig(env));
      for (const [i, tool] of tools.entries()) {
        const check = checkToolEndpoint(tool.endpoint, guard);
        if (!check.ok) {
          return `installed_tools[${i}].endpoint: tool "${tool.name}": ${check.reason}`;
        }
      }
      return undefined;
    },
    toolsFor: (record) => {
      const installed = { tools: record.installed_tools, secrets: {} };
      const tools = turnToolsOf(env, loadConfig(env), store.requireMeta(), installed);
      return tools.definitions.map(({ name, description }) => ({ name, description }));
    },
    saveSecrets: (sessionId, secrets) => insertSessionSecrets(store.sql, sessionId, secrets),
    newSessionId: () => crypto.randomUUID(),
    now: () => Date.now(),
  };
}
