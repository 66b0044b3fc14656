import { newAgentMeta } from "../durable-objects/agent/admission.js";
import { insertMeta, selectMeta, updateHead } from "../durable-objects/agent/meta-table.js";
import { selectMetrics, upsertMetrics } from "../durable-objects/agent/metrics-table.js";
import { insertEntry, selectWindow } from "../durable-objects/agent/record-table.js";
import { AgentDO as ProductAgentDO } from "../durable-objects/agent-do.js";
import { loadConfig } from "../src/config.js";
import type { Transaction } from "../src/core/record.js";
import { app } from "../src/http/app.js";
import { chainStateAt, evolve, stepSerialized } from "../src/kernel/step.js";
import { admissionTxHash } from "../src/kernel/tx-hash.js";
import { foldEntry, initialMetrics } from "../src/metrics/record-metrics.js";

export { DirectoryDO } from "../durable-objects/directory-do.js";
export { ProjectDO } from "../durable-objects/project-do.js";

/**
 * Bench-only fixture (`npm run bench -- --only retention`, scripts/bench/retention.mjs): the
 * product Worker and its Durable Objects, whose agent class adds one thing — appending
 * entries straight into an agent's SQLite storage, so a record of a million entries exists in
 * a minute rather than the hours `POST /tx` would take. Everything else is the product's
 * code, unchanged. Not part of the product (../wrangler.toml has no such route).
 *
 * @example
 * // POST /bench/seed {"org":"bench","agent_id":"<64 hex>","count":20000,"prompt_every":10}
 * // → 200 {"head_seq":20000}
 */

/** `POST /bench/seed`: what to append. */
export interface SeedInput {
  org: string;
  agent_id: string;
  /** Entries appended after the head, in one storage transaction. */
  count: number;
  /** Every this many entries is a `user_prompt` (a message of the conversation); 0: none. */
  prompt_every: number;
  now: number;
}

/** A small trigger payload, as `POST /tx` of the head-read bench sends (base64). */
const TRIGGER = btoa(JSON.stringify({ source: "bench", event: "tick" }));
/** The prompt of the seeded `user_prompt` entries (base64). */
const PROMPT = btoa("Summarise what you have recorded so far in one sentence, please.");

/**
 * The product's agent object plus {@link seedEntries}. Named `AgentDO` so the fixture's
 * bindings mirror the product's.
 */
export class AgentDO extends ProductAgentDO {
  /**
   * Appends `count` entries to the agent's record in one storage transaction, creating the
   * agent (in `org`) when it does not exist: each a transaction as an admission would record
   * it (`trigger`, or `user_prompt` every `prompt_every`), stepped by the kernel from the
   * stored head and window, so the chain verifies; the head, admission count and `metrics` row
   * move with them. Call it only on an object nothing else has touched since it woke: the
   * product class's caches do not see these writes (the bench waits for an eviction after).
   */
  seedEntries(input: SeedInput): { head_seq: number } {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => {
      let meta = selectMeta(sql);
      if (!meta) {
        meta = newAgentMeta(input, {}, loadConfig(this.env).windowSize);
        insertMeta(sql, meta);
      }
      let chain = chainStateAt(
        { seq: meta.head_seq, hash: meta.head_hash },
        selectWindow(sql, meta.window_size),
        meta.window_size,
      );
      const metrics = selectMetrics(sql) ?? initialMetrics();
      let admission = meta.admissions;
      for (let i = 0; i < input.count; i++) {
        admission += 1;
        const prompt = input.prompt_every > 0 && admission % input.prompt_every === 0;
        const tx = transaction(input, admission, prompt ? "user_prompt" : "trigger");
        const stepped = stepSerialized(chain, tx);
        insertEntry(sql, stepped);
        foldEntry(metrics, stepped.entry);
        chain = evolve(chain, stepped.entry);
      }
      updateHead(sql, {
        seq: chain.headSeq,
        hash: chain.headHash,
        admissions: admission,
        openTurnSeq: null,
      });
      upsertMetrics(sql, metrics);
      return { head_seq: chain.headSeq };
    });
  }
}

function transaction(
  input: SeedInput,
  admission: number,
  kind: "trigger" | "user_prompt",
): Transaction {
  const payload = kind === "trigger" ? TRIGGER : PROMPT;
  const ts_ms = input.now + admission;
  const fields = { agent_id: input.agent_id, tx_type: kind, payload, ts_ms, admission };
  return {
    hash: admissionTxHash(fields),
    agent_id: input.agent_id,
    ts_ms,
    tx_type: kind,
    payload,
  };
}

/** `POST /bench/seed` → {@link AgentDO.seedEntries}; every other request → the product. */
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== "/bench/seed" || request.method !== "POST") {
      return app.fetch(request, env, ctx);
    }
    const body = (await request.json()) as Omit<SeedInput, "now">;
    const namespace = env.AGENT as unknown as DurableObjectNamespace<AgentDO>;
    const stub = namespace.get(namespace.idFromName(JSON.stringify([body.org, body.agent_id])));
    const seeded = await stub.seedEntries({ ...body, now: Date.now() });
    return Response.json(seeded);
  },
} satisfies ExportedHandler<Env>;
