import { createHash } from "node:crypto";

/**
 * @typedef {import("./load.mjs").LoadRequest} LoadRequest
 */

/**
 * @typedef {object} Target
 * @property {"bare" | "tx_trigger" | "tx_user_prompt"} id
 * @property {string} label Printed in the table.
 * @property {"bare" | "product"} server Which Worker answers it.
 * @property {number} entriesPerTx Record entries one admission leads to (0: not an agent).
 * @property {(key: string, objects: number) => ObjectSet} objectsFor The objects a
 *   scenario spreads its requests over; `key` makes them fresh for every scenario.
 */

/**
 * @typedef {object} ObjectSet
 * @property {string[]} agentIds The agent ids (or bare object names) in round-robin order.
 * @property {(n: number) => LoadRequest} next The n-th request goes to object `n % length`.
 */

/** A short prompt, as a chat client would send it. */
const PROMPT = "Summarise what you have recorded so far in one sentence, please.";

/** A small trigger payload, as a scheduler or webhook would send it. */
const TRIGGER = JSON.stringify({ source: "bench", event: "tick" });

/**
 * A deterministic 64-hex agent id for one object of one scenario.
 *
 * @example
 * agentIdFor("tx_trigger/c50-50", 7); // "9c1e…" (64 lowercase hex)
 * @param {string} key
 * @param {number | string} index
 * @returns {string}
 */
export function agentIdFor(key, index) {
  return createHash("sha256").update(`aura-bench:${key}:${index}`).digest("hex");
}

/**
 * The `POST /tx` body for one agent; also the body the bare endpoint stores, so both send
 * the same bytes.
 * @param {string} agentId
 * @param {"trigger" | "user_prompt"} kind
 * @returns {string}
 */
export function txBody(agentId, kind) {
  const text = kind === "user_prompt" ? PROMPT : TRIGGER;
  return JSON.stringify({ agent_id: agentId, kind, payload: Buffer.from(text).toString("base64") });
}

/**
 * The three things the benchmark loads: the bare-insert baseline and `POST /tx` through the
 * real Worker, once with `trigger` (one entry, no turn) and once with `user_prompt` (the
 * agent also runs a turn against the mock reasoner: inbound, reasoning and reply entries).
 *
 * @example
 * const [bare, trigger, prompt] = makeTargets(token);
 * @param {string} token A bearer token for the product Worker.
 * @returns {Target[]}
 */
export function makeTargets(token) {
  const auth = { authorization: `Bearer ${token}` };
  /** @param {"trigger" | "user_prompt"} kind */
  const tx = (kind) => (/** @type {string} */ key, /** @type {number} */ objects) => {
    const agentIds = Array.from({ length: objects }, (_, i) => agentIdFor(key, i));
    const bodies = agentIds.map((id) => txBody(id, kind));
    return {
      agentIds,
      next: (/** @type {number} */ n) => ({
        method: "POST",
        path: "/tx",
        body: bodies[n % objects],
        headers: auth,
      }),
    };
  };
  return [
    {
      id: "bare",
      label: "(a) bare insert",
      server: "bare",
      entriesPerTx: 0,
      objectsFor: (key, objects) => {
        const agentIds = Array.from({ length: objects }, (_, i) => agentIdFor(key, i));
        const bodies = agentIds.map((id) => txBody(id, "trigger"));
        const paths = agentIds.map((id) => `/bare/${id}`);
        return {
          agentIds,
          next: (n) => ({ method: "POST", path: paths[n % objects], body: bodies[n % objects] }),
        };
      },
    },
    {
      id: "tx_trigger",
      label: "(b) POST /tx trigger",
      server: "product",
      entriesPerTx: 1,
      objectsFor: tx("trigger"),
    },
    {
      id: "tx_user_prompt",
      label: "(b) POST /tx user_prompt",
      server: "product",
      entriesPerTx: 3,
      objectsFor: tx("user_prompt"),
    },
  ];
}
