import { exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { textToBase64 } from "../../src/core/base64.js";
import { call, createAgent, getTxStatus, mintToken, postTx, submitTx, waitFor } from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";
import { openStream } from "./stream-client.js";
import { TEST_JWT_SECRET, TEST_SANDBOX_SECRET } from "./test-secret.js";

const ORG = "org-logs";
/** A prompt no log line may carry, in any form. */
const PROMPT = "ultramarine-walrus-payload-4417: the vault code is 8812";
/** A credential a client sends in a header: never logged either. */
const API_KEY = "sk-ant-api03-logs-test-9b8c7d6e5f4a3b2c1d0e";

/** A parsed log line. */
type Line = Record<string, unknown>;

/** The Worker's and its objects' console lines (they run in this isolate), raw. */
let raw: string[];

beforeEach(() => {
  raw = [];
  for (const method of ["log", "debug", "info", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      raw.push(args.map(String).join(" "));
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The structured lines captured so far (every line the logger writes is one JSON object). */
function lines(): Line[] {
  return raw.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Line);
}

/** Request lines of this file's org on `route` (other files' requests may share the isolate). */
const requestLines = (route: string) =>
  lines().filter((l) => l.event === "request" && l.route === route && l.org === ORG);

describe("structured logs", () => {
  it("logs one line per request and one per turn, with ids, status, outcome and duration, and never a token, secret, key, prompt or tool payload", async () => {
    // A turn that writes the prompt to a file, reads it back and answers with it.
    scriptModel(({ opening, step, request }) => {
      if (opening !== PROMPT) return undefined;
      const m = request.model;
      if (step === 0) {
        const input = { path: "vault.txt", content: PROMPT };
        return toolCalls(m, [{ id: "w1", name: "write_file", input }]);
      }
      if (step === 1)
        return toolCalls(m, [{ id: "r1", name: "read_file", input: { path: "vault.txt" } }]);
      return finalText(m, `you said: ${PROMPT}`);
    });
    const token = await mintToken({ org: ORG });

    const agentId = await createAgent(token);
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: PROMPT });
    let polls = 0;
    const done = await waitFor("the prompt's turn to finish", async () => {
      polls++;
      const status = await getTxStatus(token, agentId, txId);
      return status.status === "processed" || status.status === "failed" ? status : undefined;
    });
    expect(done.status).toBe("processed");
    // A refused submission whose body carries the prompt, not base64-encoded.
    const refused = await postTx(token, {
      agent_id: agentId,
      kind: "user_prompt",
      payload: PROMPT,
    });
    expect(refused.status).toBe(400);
    // The token in the query and a key in a header; then the same without a token at all.
    const head = await exports.default.fetch(
      new Request(`https://aura.test/agents/${agentId}/head?token=${token}`, {
        headers: { authorization: `Bearer ${token}`, "x-api-key": API_KEY },
      }),
    );
    expect(head.status).toBe(200);
    expect((await call("GET", `/agents/${agentId}/head`)).status).toBe(401);
    // A /stream upgrade, whose token travels in ?token=.
    const stream = await openStream(token, agentId);
    stream.close();

    const turn = await waitFor("the turn's log line", async () =>
      lines().find((l) => l.event === "turn" && l.agent_id === agentId),
    );
    expect(turn).toEqual({
      ts: expect.any(String),
      level: "info",
      event: "turn",
      org: ORG,
      agent_id: agentId,
      tx_id: txId,
      turn_seq: expect.any(Number),
      last_seq: expect.any(Number),
      outcome: "completed",
      stop_reason: "end_turn",
      model_calls: 3,
      tool_calls: 2,
      duration_ms: expect.any(Number),
    });
    expect(turn.last_seq as number).toBeGreaterThan(turn.turn_seq as number);
    expect(lines().filter((l) => l.event === "turn" && l.agent_id === agentId)).toHaveLength(1);

    expect(requestLines("/agents")).toEqual([
      expect.objectContaining({ method: "POST", status: 201, org: ORG, outcome: "ok" }),
    ]);
    expect(requestLines("/tx")).toEqual([
      expect.objectContaining({ method: "POST", status: 202, org: ORG, outcome: "ok" }),
      expect.objectContaining({
        method: "POST",
        status: 400,
        org: ORG,
        outcome: "client_error",
        error_code: "invalid_request",
      }),
    ]);
    const statuses = requestLines("/tx/status/:agent_id/:tx_id");
    expect(statuses).toHaveLength(polls);
    for (const line of statuses) {
      expect(line).toMatchObject({ status: 200, org: ORG, agent_id: agentId, tx_id: txId });
    }
    expect(requestLines("/agents/:id/head")).toEqual([
      {
        ts: expect.any(String),
        level: "info",
        event: "request",
        method: "GET",
        route: "/agents/:id/head",
        status: 200,
        duration_ms: expect.any(Number),
        outcome: "ok",
        org: ORG,
        agent_id: agentId,
      },
    ]);
    const unauthenticated = lines().filter(
      (l) => l.event === "request" && l.route === "/agents/:id/head" && l.status === 401,
    );
    expect(unauthenticated).toContainEqual(
      expect.objectContaining({ error_code: "unauthorized", outcome: "client_error" }),
    );
    for (const line of unauthenticated) expect(line).not.toHaveProperty("org");
    const upgrades = lines().filter(
      (l) => l.event === "request" && l.org === ORG && String(l.route).startsWith("/stream"),
    );
    expect(upgrades).toEqual([expect.objectContaining({ method: "GET", status: 101, org: ORG })]);

    const forbidden = [
      token,
      token.split(".")[2] ?? token,
      TEST_JWT_SECRET,
      TEST_SANDBOX_SECRET,
      API_KEY,
      PROMPT,
      "ultramarine-walrus",
      textToBase64(PROMPT),
    ];
    expect(raw.length).toBeGreaterThan(0);
    for (const line of raw) {
      for (const secret of forbidden) expect(line).not.toContain(secret);
      expect(line).not.toContain("?token=");
    }
  });
});
