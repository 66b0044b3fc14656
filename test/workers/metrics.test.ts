import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RecordEntry } from "../../src/core/record.js";
import { agentMetricsOf } from "../../src/metrics/metrics-view.js";
import { foldEntry, initialMetrics } from "../../src/metrics/record-metrics.js";
import type { AgentMetrics, OrgMetrics } from "../../src/protocol/metrics.js";
import { ModelError } from "../../src/reasoner/types.js";
import {
  agentStub,
  bodyOf,
  call,
  createAgent,
  evictAgents,
  getRecord,
  mintToken,
  payloadJson,
  submitTx,
  waitForHead,
  waitForTx,
} from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";

const ORG = "org-metrics";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A model that calls tools (one succeeds, two fail) for "work", and fails outright for "fail". */
function scriptWork(): void {
  scriptModel(({ opening, step, request }) => {
    const m = request.model;
    if (opening === "fail")
      throw new ModelError("insufficient_credits", "credit balance is too low");
    if (opening !== "work") return undefined;
    if (step === 0)
      return toolCalls(m, [
        { id: "w1", name: "write_file", input: { path: "m.txt", content: "metrics\n" } },
        { id: "r1", name: "read_file", input: { path: "missing.txt" } },
      ]);
    if (step === 1) return toolCalls(m, [{ id: "r2", name: "read_file", input: { path: 7 } }]);
    return finalText(m, "worked");
  });
}

/** Runs prompts one after another, each to its end. */
async function runTurns(agentId: string, prompts: string[]): Promise<void> {
  for (const text of prompts) {
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text });
    await waitForTx(token, agentId, txId);
  }
}

/** The whole record, page by page. */
async function wholeRecord(agentId: string): Promise<RecordEntry[]> {
  const entries: RecordEntry[] = [];
  for (;;) {
    const page = await getRecord(token, agentId, { from_seq: entries.length + 1, limit: 1000 });
    entries.push(...page);
    if (page.length < 1000) return entries;
  }
}

async function getMetrics(agentId: string, as = token): Promise<AgentMetrics> {
  const response = await call("GET", `/agents/${agentId}/metrics`, { token: as });
  expect(response.status).toBe(200);
  return bodyOf<AgentMetrics>(response);
}

/** What the test counts itself, entry by entry, from `GET /agents/:id/record`. */
function countedFrom(entries: RecordEntry[]) {
  const byTool: Record<string, number> = {};
  const byCode: Record<string, number> = {};
  const add = (map: Record<string, number>, key: string) => {
    map[key] = (map[key] ?? 0) + 1;
  };
  let tokensIn = 0;
  let tokensOut = 0;
  for (const entry of entries) {
    if (entry.tx.tx_type === "reasoning") {
      const payload = payloadJson(entry) as {
        response?: { usage: { input_tokens: number; output_tokens: number } };
        error?: { code: string };
      };
      tokensIn += payload.response?.usage.input_tokens ?? 0;
      tokensOut += payload.response?.usage.output_tokens ?? 0;
      if (payload.error) add(byCode, payload.error.code);
    }
    if (entry.tx.tx_type === "tool_execution") {
      const payload = payloadJson(entry) as {
        tool: string;
        is_error: boolean;
        result: { metadata: { error_code: string } };
      };
      add(byTool, payload.tool);
      if (payload.is_error) add(byCode, payload.result.metadata.error_code);
    }
    const turn = (entry.proposals.trace as { turn?: { error?: { code: string } } } | undefined)
      ?.turn;
    if (turn?.error) add(byCode, turn.error.code);
  }
  const ofType = (type: string) => entries.filter((e) => e.tx.tx_type === type).length;
  return {
    head_seq: entries.length,
    entries: entries.length,
    turns: ofType("user_prompt"),
    model_calls: ofType("reasoning"),
    tool_calls: ofType("tool_execution"),
    tokens_in: tokensIn,
    tokens_out: tokensOut,
    errors: Object.values(byCode).reduce((n, c) => n + c, 0),
    tool_calls_by_tool: byTool,
    errors_by_code: byCode,
  };
}

/** The route's answer must be the fold of the record, computed here from the record's pages. */
async function expectMetricsOfRecord(agentId: string): Promise<AgentMetrics> {
  const entries = await wholeRecord(agentId);
  const metrics = await getMetrics(agentId);
  const folded = agentMetricsOf(agentId, entries.reduce(foldEntry, initialMetrics())).metrics;
  const { costs, ...fromRecord } = metrics;
  expect(fromRecord).toEqual(folded);
  expect(metrics).toMatchObject(countedFrom(entries));
  // Costs are measurements of this object, not of the record; bytes per entry is the record's
  expect(costs?.bytes_per_entry).toBe(Math.round(metrics.storage.bytes / metrics.entries));
  return metrics;
}

/** The counters of an answer, without what names the agent or was measured by its object. */
function recordCounters(metrics: AgentMetrics) {
  const { agent_id: _id, costs: _costs, ...counters } = metrics;
  return counters;
}

describe("GET /agents/:id/metrics", () => {
  it("equals the counts taken from the record after turns with tool calls and errors", async () => {
    scriptWork();
    const agentId = await createAgent(token);
    await runTurns(agentId, ["work", "hello", "fail"]);

    const metrics = await expectMetricsOfRecord(agentId);
    // The scripted turns happened: three tool calls (two failed), a failed model call and
    // the turn it ended
    expect(metrics).toMatchObject({
      turns: 3,
      model_calls: 5,
      tool_calls: 3,
      tool_calls_by_tool: { write_file: 1, read_file: 2 },
      errors_by_code: { insufficient_credits: 2 },
    });
    expect(metrics.errors).toBe(4);
    expect(metrics.tokens_in).toBeGreaterThan(0);
    expect(metrics.latency_ms.turn.p50).not.toBeNull();
    expect(metrics.latency_ms.tool.p99).not.toBeNull();
    expect(metrics.storage.bytes).toBeGreaterThan(metrics.entries * 300);
    // And its object measured what the admissions and turns cost in rows
    expect(metrics.costs).toMatchObject({ admissions: 3, turns: 3 });
    expect(metrics.costs?.rows_written_per_admission.last).toBeGreaterThan(0);
    expect(metrics.costs?.rows_written_per_turn.mean).toBeGreaterThan(0);
    expect(metrics.costs?.rows_read_per_turn.mean).toBeGreaterThan(0);

    // And another org's token gets 404, as for every agent route
    const stranger = await mintToken({ org: "org-metrics-stranger" });
    const refused = await call("GET", `/agents/${agentId}/metrics`, { token: stranger });
    expect(refused.status).toBe(404);
  });

  it("stays equal to the record across an eviction and past a checkpoint of its row", async () => {
    const agentId = await createAgent(token);
    await runTurns(agentId, ["first"]);
    await getMetrics(agentId);
    for (let i = 0; i < 140; i++) {
      await submitTx(token, { agent_id: agentId, kind: "trigger", text: `t${i}` }, "handler");
    }
    await waitForHead(token, agentId, 143);
    const stored = await runInDurableObject(agentStub(ORG, agentId), (_i, state) => {
      const { metrics } = state.storage.sql
        .exec<{ metrics: string }>("SELECT metrics FROM agent")
        .one();
      return (JSON.parse(metrics) as { through_seq: number }).through_seq;
    });
    // The checkpoint is rewritten every 128 entries, inside the commits' transactions (by
    // triggers committed as they were admitted here, which then write the agent row)
    expect(stored).toBeGreaterThanOrEqual(129);

    await evictAgents();
    await runTurns(agentId, ["after the eviction"]);
    expect((await expectMetricsOfRecord(agentId)).entries).toBe(146);
    await evictAgents();
    await expectMetricsOfRecord(agentId);
  });

  it("gives a fork the metrics of its record, built by folding it", async () => {
    scriptWork();
    const source = await createAgent(token);
    await runTurns(source, ["work", "hello"]);
    const head = (await wholeRecord(source)).length;
    const forked = await call("POST", `/agents/${source}/fork`, {
      token,
      json: { at_seq: head },
    });
    const { agent_id: forkId } = await bodyOf<{ agent_id: string }>(forked);

    const fork = await expectMetricsOfRecord(forkId);
    expect(recordCounters(fork)).toEqual(recordCounters(await getMetrics(source)));

    // And the fork's later turns are counted incrementally from there
    await runTurns(forkId, ["work"]);
    expect((await expectMetricsOfRecord(forkId)).turns).toBe(3);
  });

  it("builds the metrics of an agent created before the metrics table on its first read", async () => {
    scriptWork();
    const agentId = await createAgent(token);
    await runTurns(agentId, ["work", "hello"]);
    // Its storage as the deploy before schema version 3 left it (and so before version 4's
    // narrower transaction-id index)
    await runInDurableObject(agentStub(ORG, agentId), (_i, state) => {
      state.storage.sql.exec("ALTER TABLE agent DROP COLUMN metrics");
      state.storage.sql.exec("DROP INDEX record_admitted_tx_id");
      state.storage.sql.exec("CREATE INDEX record_tx_id ON record (tx_id)");
      state.storage.sql.exec(
        "CREATE INDEX record_agent_msg ON record (seq) WHERE tx_type = 'agent_msg'",
      );
      state.storage.sql.exec("DELETE FROM schema_migration WHERE version >= 3");
    });
    await evictAgents();
    // A turn after the upgrade, before any read of its metrics
    await runTurns(agentId, ["hello"]);

    await expectMetricsOfRecord(agentId);
    await runTurns(agentId, ["work"]);
    const metrics = await expectMetricsOfRecord(agentId);
    expect(metrics.tool_calls).toBe(6);
  });
});

describe("GET /metrics", () => {
  it("sums the org's agents, leaves other orgs' out, and speaks Prometheus text on request", async () => {
    const org = "org-metrics-sum";
    const own = await mintToken({ org });
    const other = await mintToken({ org: "org-metrics-other" });
    const a = await createAgent(own);
    const b = await createAgent(own);
    const foreign = await createAgent(other);
    for (const [as, agentId, text] of [
      [own, a, "one"],
      [own, b, "two"],
      [own, b, "three"],
      [other, foreign, "elsewhere"],
    ] as const) {
      await waitForTx(
        as,
        agentId,
        await submitTx(as, { agent_id: agentId, kind: "user_prompt", text }),
      );
    }
    const ofA = await getMetrics(a, own);
    const ofB = await getMetrics(b, own);

    const response = await call("GET", "/metrics", { token: own });
    expect(response.status).toBe(200);
    const sum = await bodyOf<OrgMetrics>(response);
    expect(sum).toMatchObject({
      agents: 2,
      entries: ofA.entries + ofB.entries,
      turns: 3,
      model_calls: ofA.model_calls + ofB.model_calls,
      tokens_in: ofA.tokens_in + ofB.tokens_in,
      tokens_out: ofA.tokens_out + ofB.tokens_out,
      storage: {
        bytes: ofA.storage.bytes + ofB.storage.bytes,
        rows: ofA.storage.rows + ofB.storage.rows,
      },
    });

    const text = await exports.default.fetch(
      new Request("https://aura.test/metrics", {
        headers: { authorization: `Bearer ${own}`, accept: "text/plain" },
      }),
    );
    expect(text.headers.get("content-type")).toContain("text/plain");
    const lines = (await text.text()).trimEnd().split("\n");
    const samples = new Map<string, string>();
    for (const line of lines) {
      if (line.startsWith("# ")) {
        expect(line).toMatch(/^# (HELP|TYPE) aura_\w+ \S/);
        continue;
      }
      const match = /^(aura_\w+)(\{[^{}]*\})? (\S+)$/.exec(line);
      expect(match, line).not.toBeNull();
      samples.set(`${match?.[1]}${match?.[2] ?? ""}`, match?.[3] ?? "");
    }
    expect(samples.get("aura_agents")).toBe("2");
    expect(samples.get(`aura_entries_total{agent_id="${a}"}`)).toBe(String(ofA.entries));
    expect(samples.get(`aura_entries_total{agent_id="${b}"}`)).toBe(String(ofB.entries));
    expect(lines.some((l) => l.includes(foreign))).toBe(false);
    expect(samples.get(`aura_turn_latency_ms_count{agent_id="${b}"}`)).toBe("2");
  });
});
