import { useEffect, useMemo, useState } from "preact/hooks";
import type { AgentSummary, CreateAgentRequest } from "../../../src/protocol/agents.js";
import type { AgentsApi } from "../api/agents-api.js";
import { formatTime, shortHash } from "../ui/format.js";
import { hrefOf, navigate } from "../ui/route.js";

type SortKey = "created" | "name" | "head_seq" | "status" | "activity" | "tokens";

/** Input and output tokens of the agent's recorded model answers (0 when not reported). */
function tokensOf(a: AgentSummary): number {
  return (a.tokens?.input_tokens ?? 0) + (a.tokens?.output_tokens ?? 0);
}

const SORTS: Record<SortKey, (a: AgentSummary, b: AgentSummary) => number> = {
  created: (a, b) => b.created_at - a.created_at,
  activity: (a, b) => (b.last_activity_ms ?? 0) - (a.last_activity_ms ?? 0),
  tokens: (a, b) => tokensOf(b) - tokensOf(a),
  name: (a, b) => (a.name ?? "").localeCompare(b.name ?? ""),
  head_seq: (a, b) => b.head_seq - a.head_seq,
  status: (a, b) => a.status.localeCompare(b.status),
};

/** The org's agents: filter, sort, open one, create one. */
export function AgentsPage({ api }: { api: AgentsApi }) {
  const [agents, setAgents] = useState<AgentSummary[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<SortKey>("created");
  const [creating, setCreating] = useState(false);

  const load = () => {
    setError(undefined);
    api.list().then(setAgents, (err: Error) => setError(err.message));
  };
  useEffect(load, [api]);

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (agents ?? [])
      .filter(
        (a) =>
          needle === "" ||
          (a.name ?? "").toLowerCase().includes(needle) ||
          a.agent_id.includes(needle) ||
          a.status.includes(needle),
      )
      .sort(SORTS[sort]);
  }, [agents, filter, sort]);

  return (
    <section class="page" aria-labelledby="agents-title">
      <div class="page-head">
        <h1 id="agents-title">Agents</h1>
        <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          New agent
        </button>
        <button type="button" class="quiet" onClick={load}>
          Refresh
        </button>
      </div>
      {creating && <CreateAgentForm api={api} onCancel={() => setCreating(false)} />}
      <div class="toolbar">
        <label>
          Filter
          <input
            id="agent-filter"
            type="search"
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
            placeholder="name, id or status"
          />
        </label>
        <label for="agent-sort">Sort by</label>
        <select
          id="agent-sort"
          value={sort}
          onChange={(e) => setSort(e.currentTarget.value as SortKey)}
        >
          <option value="created">newest</option>
          <option value="name">name</option>
          <option value="head_seq">head seq</option>
          <option value="status">status</option>
          <option value="activity">last activity</option>
          <option value="tokens">tokens used</option>
        </select>
      </div>
      {error && (
        <p class="error" role="alert">
          Could not list the agents: {error}
        </p>
      )}
      {agents === undefined && !error && <output>Loading agents…</output>}
      {agents !== undefined && agents.length === 0 && (
        <p class="empty">No agents yet. Create one with “New agent”.</p>
      )}
      {shown.length > 0 && (
        <table class="agents">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Head seq</th>
              <th scope="col">Last activity</th>
              <th scope="col">Tokens used</th>
              <th scope="col">Created</th>
              <th scope="col">Id</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.agent_id}>
                <td>
                  <a href={hrefOf({ page: "agent", agentId: a.agent_id, tab: "chat" })}>
                    {a.name ?? "(unnamed)"}
                  </a>
                </td>
                <td>
                  <span class={`status status-${a.status}`}>{a.status}</span>
                </td>
                <td class="num">{a.head_seq}</td>
                <td data-testid="last-activity">
                  {a.last_activity_ms === undefined ? "—" : formatTime(a.last_activity_ms)}
                </td>
                <td
                  class="num"
                  data-testid="tokens"
                  title={
                    a.tokens
                      ? `${a.tokens.input_tokens} in, ${a.tokens.output_tokens} out`
                      : undefined
                  }
                >
                  {a.tokens ? tokensOf(a).toLocaleString() : "—"}
                </td>
                <td>{formatTime(a.created_at)}</td>
                <td class="mono">{shortHash(a.agent_id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {agents !== undefined && agents.length > 0 && shown.length === 0 && (
        <p class="empty">No agent matches “{filter}”.</p>
      )}
    </section>
  );
}

function CreateAgentForm({ api, onCancel }: { api: AgentsApi; onCancel: () => void }) {
  const [name, setName] = useState("");
  const [model, setModel] = useState("");
  const [systemPrompt, setSystemPrompt] = useState("");
  const [policy, setPolicy] = useState<"" | "dev" | "strict">("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const request: CreateAgentRequest = {};
    if (name.trim()) request.name = name.trim();
    if (model.trim()) request.model = model.trim();
    if (systemPrompt.trim()) request.system_prompt = systemPrompt;
    if (policy) request.policy = policy;
    setBusy(true);
    setError(undefined);
    try {
      const { agent_id } = await api.create(request);
      navigate({ page: "agent", agentId: agent_id, tab: "chat" });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="card create-agent"
      aria-label="New agent"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={200} />
      </label>
      <label>
        Model
        <input
          value={model}
          onInput={(e) => setModel(e.currentTarget.value)}
          placeholder="the server's default"
        />
      </label>
      <label>
        System prompt
        <textarea
          rows={3}
          value={systemPrompt}
          onInput={(e) => setSystemPrompt(e.currentTarget.value)}
        />
      </label>
      <label for="agent-policy">Policy</label>
      <select
        id="agent-policy"
        value={policy}
        onChange={(e) => setPolicy(e.currentTarget.value as "" | "dev" | "strict")}
      >
        <option value="">the server's (AURA_POLICY)</option>
        <option value="dev">dev</option>
        <option value="strict">strict</option>
      </select>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" disabled={busy}>
          Create agent
        </button>
        <button type="button" class="quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
