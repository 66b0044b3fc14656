import { fail, type Result } from "../../src/core/errors.js";
import type { AgentSettings, CreateAgentRequest } from "../../src/protocol/agents.js";
import type { ExportInfo, ImportStep } from "../../src/protocol/record-export.js";
import { type AgentAddress, agentNotFound, newAgentMeta, ownedMeta } from "./admission.js";
import type { AgentStore } from "./agent-store.js";
import { migrate } from "./schema.js";

/**
 * What an export's header says of the agent: identity, status, the settings `POST /agents`
 * takes, its window and head.
 *
 * @example
 * const info = exportInfoOf(store, address); // { ok, agent_id, head_seq, head_hash, … }
 */
export function exportInfoOf(store: AgentStore, address: AgentAddress): Result<ExportInfo> {
  const meta = ownedMeta(store, address);
  if (!meta) return agentNotFound(address.agent_id);
  return {
    ok: true,
    agent_id: meta.agent_id,
    created_at: meta.created_at,
    status: meta.status,
    window_size: meta.window_size,
    head_seq: meta.head_seq,
    head_hash: meta.head_hash,
    settings: portableSettings(meta.settings),
  };
}

/**
 * Applies one step of an import to the (new) agent of `store`. Entries are stored verbatim
 * (the Worker verified them); until `finish` writes the metadata row the agent does not exist,
 * so an import that stops half-way is unreachable, and `discard` deletes what it wrote. An
 * agent that exists is never written to or discarded (`conflict`).
 *
 * @example
 * await applyImportStep(ctx.storage, store, { type: "entries", org, agent_id, entries });
 */
export async function applyImportStep(
  storage: DurableObjectStorage,
  store: AgentStore,
  step: ImportStep,
): Promise<Result<{ agent_id: string }>> {
  if (store.meta()) return fail("conflict", `agent ${step.agent_id} already exists`);
  if (step.type === "entries") {
    const first = step.entries[0]?.entry.seq;
    if (first !== undefined && first !== storedHead(store) + 1) {
      return fail("conflict", `import of ${step.agent_id}: expected seq ${storedHead(store) + 1}`);
    }
    store.insertForkedEntries(step.entries);
  } else if (step.type === "finish") {
    if (storedHead(store) !== step.head.seq) {
      return fail("conflict", `import of ${step.agent_id} holds ${storedHead(store)} entries`);
    }
    const meta = newAgentMeta(step, step.settings, step.window_size);
    store.create({
      ...meta,
      head_seq: step.head.seq,
      head_hash: step.head.hash,
      open_turn_seq: step.open_turn_seq,
    });
  } else {
    await storage.deleteAll();
    migrate(storage);
  }
  return { ok: true, agent_id: step.agent_id };
}

/** The last stored seq (0 when nothing is stored). */
function storedHead(store: AgentStore): number {
  return store.sql.exec<{ n: number | null }>("SELECT MAX(seq) AS n FROM record").one().n ?? 0;
}

/** The settings of an agent that `POST /agents` takes (what the server sets is left out). */
function portableSettings(settings: AgentSettings): CreateAgentRequest {
  const { name, system_prompt, model, policy, credit_budget_tokens, project_id } = settings;
  const portable: CreateAgentRequest = {};
  if (name !== undefined) portable.name = name;
  if (system_prompt !== undefined) portable.system_prompt = system_prompt;
  if (model !== undefined) portable.model = model;
  if (policy !== undefined) portable.policy = policy;
  if (credit_budget_tokens !== undefined) portable.credit_budget_tokens = credit_budget_tokens;
  if (project_id !== undefined) portable.project_id = project_id;
  return portable;
}
