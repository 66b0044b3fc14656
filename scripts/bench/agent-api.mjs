/**
 * @typedef {ReturnType<typeof import("./http-client.mjs").createClient>} Client
 */

/**
 * `GET /agents/:id/head` → the agent's `head_seq`.
 *
 * @example
 * await headSeq(client, token, agentId); // 1811
 * @param {Client} client
 * @param {string} token
 * @param {string} agentId
 * @returns {Promise<number>}
 */
export async function headSeq(client, token, agentId) {
  const res = await client.request("GET", `/agents/${agentId}/head`, undefined, {
    authorization: `Bearer ${token}`,
  });
  if (res.status !== 200) throw new Error(`head of ${agentId}: HTTP ${res.status} ${res.body}`);
  return /** @type {{ head_seq: number }} */ (JSON.parse(res.body)).head_seq;
}

/**
 * Waits until every agent's record holds at least the expected number of entries, i.e. the
 * backlog a load run admitted has been processed, so the next run starts on an idle
 * machine. Throws when `timeoutMs` passes first.
 *
 * @example
 * const ms = await waitForHeads(client, token, new Map([[agentId, 3000]]), 60_000);
 * @param {Client} client
 * @param {string} token
 * @param {Map<string, number>} expected Agent id → entries it must reach.
 * @param {number} timeoutMs
 * @returns {Promise<number>} Milliseconds it took.
 */
export async function waitForHeads(client, token, expected, timeoutMs) {
  const started = performance.now();
  const pending = new Map([...expected].filter(([, want]) => want > 0));
  for (;;) {
    // Polls the agents in order and stops at the first one still behind: the agents drain
    // in parallel, so this finds the end with few reads, and reads cost the agents CPU.
    for (const [agentId, want] of pending) {
      if ((await headSeq(client, token, agentId)) < want) break;
      pending.delete(agentId);
    }
    if (pending.size === 0) return performance.now() - started;
    if (performance.now() - started > timeoutMs) {
      const [agentId, want] = pending.entries().next().value ?? ["?", 0];
      const have = agentId === "?" ? 0 : await headSeq(client, token, agentId);
      throw new Error(
        `backlog not processed after ${timeoutMs} ms: agent ${agentId} at ${have}/${want} entries (${pending.size} agents behind)`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
