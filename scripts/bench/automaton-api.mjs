/**
 * @typedef {import("./agent-api.mjs").Client} Client
 * @typedef {{ automaton_id: string, agent_id: string, next_due_ms?: number }} InstalledAutomaton
 */

/** Rows per `GET /agents/:id/record` page (the route's largest). */
const PAGE = 1000;

/**
 * The calls the automaton bench makes to the product Worker, each checked for its status.
 *
 * @example
 * const api = automatonApi(client, token);
 * const agentId = await api.createAgent();
 * const { automaton_id } = await api.installChat(agentId, 1);
 * @param {Client} client
 * @param {string} token
 */
export function automatonApi(client, token) {
  const headers = { authorization: `Bearer ${token}` };
  /** @param {string} method @param {string} path @param {number} status @param {unknown} [body] */
  const call = async (method, path, status, body) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const res = await client.request(method, path, text, headers);
    if (res.status !== status) throw new Error(`${method} ${path}: HTTP ${res.status} ${res.body}`);
    return /** @type {unknown} */ (JSON.parse(res.body));
  };
  return {
    /** `POST /agents {}` → the new agent's id. */
    async createAgent() {
      const { agent_id } = /** @type {{ agent_id: string }} */ (
        await call("POST", "/agents", 201, {})
      );
      return agent_id;
    },
    /**
     * `POST /automatons` a `chat` automaton ticking every `seconds` on agent `agentId`.
     * @param {string} agentId
     * @param {number} seconds
     */
    async installChat(agentId, seconds) {
      const schedule = { type: "interval", seconds };
      const body = { kind: "chat", agent_id: agentId, schedule };
      return /** @type {InstalledAutomaton} */ (await call("POST", "/automatons", 201, body));
    },
    /** @param {string} automatonId */
    async stop(automatonId) {
      await call("POST", `/automatons/${automatonId}/stop`, 200);
    },
    /**
     * Every entry of an agent's record, page by page.
     * @param {string} agentId
     */
    async record(agentId) {
      /** @type {Array<{ seq: number, tx: { tx_type: string, payload: string, ts_ms: number } }>} */
      const rows = [];
      for (;;) {
        const path = `/agents/${agentId}/record?from_seq=${rows.length + 1}&limit=${PAGE}`;
        const page = /** @type {typeof rows} */ (await call("GET", path, 200));
        rows.push(...page);
        if (page.length < PAGE) return rows;
      }
    },
  };
}

/**
 * Runs `work` over `items` with at most `concurrency` at once, keeping the results in order.
 *
 * @example
 * const ids = await inParallel([1, 2, 3], 2, async () => api.createAgent());
 * @template T, R
 * @param {T[]} items
 * @param {number} concurrency
 * @param {(item: T, index: number) => Promise<R>} work
 * @returns {Promise<R[]>}
 */
export async function inParallel(items, concurrency, work) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(/** @type {T} */ (items[i]), i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
