import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TURN_POINT } from "../../src/metrics/analytics.js";
import { ModelError } from "../../src/reasoner/types.js";
import { createAgent, getRecord, mintToken, submitTx, waitForTx } from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";

const ORG = "org-analytics";
/** A prompt no data point may carry, in any form. */
const PROMPT = "cerulean-heron-payload-5521: the locker code is 3390";

/** The Worker's env, whose `AURA_ANALYTICS` this file binds (wrangler.toml binds it only in production). */
const bindings = env as { AURA_ANALYTICS?: AnalyticsEngineDataset };

/** Data points written so far, by every object of this isolate. */
let points: AnalyticsEngineDataPoint[];
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

afterEach(() => {
  delete bindings.AURA_ANALYTICS;
  vi.restoreAllMocks();
});

/** Binds a dataset that records every data point written to it. */
function bindRecorder(): void {
  points = [];
  bindings.AURA_ANALYTICS = { writeDataPoint: (point) => points.push(point ?? {}) };
}

/** The turn data points of `agentId`. */
const pointsOf = (agentId: string) =>
  points.filter((p) => p.blobs?.[0] === TURN_POINT && p.blobs?.[2] === agentId);

/** A model that writes the prompt to a file and answers, or fails on "fail". */
function scriptTurns(): void {
  scriptModel(({ opening, step, request }) => {
    const m = request.model;
    if (opening === "fail") throw new ModelError("insufficient_credits", "credit balance is low");
    if (opening !== PROMPT) return undefined;
    if (step === 0) {
      const input = { path: "locker.txt", content: PROMPT };
      return toolCalls(m, [{ id: "w1", name: "write_file", input }]);
    }
    return finalText(m, `noted: ${PROMPT}`);
  });
}

/** Runs one prompt to its end; returns the seq of the entry that opened its turn. */
async function runTurn(agentId: string, text: string): Promise<number> {
  const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text });
  await waitForTx(token, agentId, txId);
  const entries = await getRecord(token, agentId, { from_seq: 1, limit: 1000 });
  const opened = entries.find((e) => e.tx.hash === txId);
  if (!opened) throw new Error(`no entry for ${txId}`);
  return opened.seq;
}

describe("Analytics Engine counters", () => {
  it("given a bound dataset, when a turn completes, then one data point carries org, agent, outcome and the turn's counts, and no payload", async () => {
    bindRecorder();
    scriptTurns();
    const agentId = await createAgent(token);

    const turnSeq = await runTurn(agentId, PROMPT);

    const written = pointsOf(agentId);
    expect(written).toHaveLength(1);
    const [point] = written;
    expect(point?.indexes).toEqual([ORG]);
    expect(point?.blobs).toEqual([TURN_POINT, ORG, agentId, "completed", "end_turn", ""]);
    const entries = await getRecord(token, agentId, { from_seq: 1, limit: 1000 });
    const turnEntries = entries.filter((e) => e.seq >= turnSeq).length;
    const [count, modelCalls, tools, tokensIn, tokensOut, errors, durationMs] =
      point?.doubles ?? [];
    // Two model calls (10 + 10 in, 10 + 5 out, as the scripted model answers) and one tool call.
    expect({ count, modelCalls, tools, tokensIn, tokensOut, errors }).toEqual({
      count: turnEntries,
      modelCalls: 2,
      tools: 1,
      tokensIn: 20,
      tokensOut: 15,
      errors: 0,
    });
    expect(durationMs).toBeGreaterThanOrEqual(0);
    expect(point?.doubles).toHaveLength(7);
    expect(JSON.stringify(points)).not.toContain("cerulean-heron");
    expect(JSON.stringify(points)).not.toContain("3390");
  });

  it("given a bound dataset, when a turn fails on the model, then its data point counts one error and names the code", async () => {
    bindRecorder();
    scriptTurns();
    const agentId = await createAgent(token);

    await runTurn(agentId, "fail");

    const [point, ...more] = pointsOf(agentId);
    expect(more).toHaveLength(0);
    expect(point?.blobs?.slice(3)).toEqual([
      "failed",
      "insufficient_credits",
      "insufficient_credits",
    ]);
    expect(point?.doubles?.[5]).toBe(1);
    expect(JSON.stringify(point)).not.toContain("credit balance");
  });

  it("given a dataset that throws on every write, when a turn runs, then the turn still completes", async () => {
    const writeDataPoint = vi.fn(() => {
      throw new Error("dataset unavailable");
    });
    bindings.AURA_ANALYTICS = { writeDataPoint };
    scriptTurns();
    const agentId = await createAgent(token);

    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: PROMPT });
    const status = await waitForTx(token, agentId, txId);

    expect(status.status).toBe("processed");
    expect(writeDataPoint).toHaveBeenCalled();
  });

  it("given no dataset bound (as in wrangler.toml's default environment), when a turn runs, then it completes", async () => {
    scriptTurns();
    const agentId = await createAgent(token);

    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: PROMPT });

    expect((await waitForTx(token, agentId, txId)).status).toBe("processed");
    expect(bindings.AURA_ANALYTICS).toBeUndefined();
  });
});
