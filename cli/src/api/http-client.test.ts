import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.js";
import { HttpClient } from "./http-client.js";

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

function client(handler: Handler) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, init });
    return handler(url, init);
  }) as typeof fetch;
  return { api: new HttpClient("http://aura.test/", "tok", fetchImpl), calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const AGENT = "a".repeat(64);
const HASH = "b".repeat(64);

function entry(seq: number) {
  return {
    seq,
    tx: { hash: HASH, agent_id: AGENT, ts_ms: 1, tx_type: "user_prompt", payload: "aGk=" },
    kernel_version: 1,
    context_hash: HASH,
    proposals: { proposals: [] },
    decision: { accepted_action_ids: [], rejected: [] },
    actions: [],
    effects: [],
    prev_hash: HASH,
    hash: HASH,
  };
}

describe("HttpClient", () => {
  it("sends the token as a Bearer header and the payload as base64 of the text", async () => {
    const { api, calls } = client(() => json({ accepted: true, tx_id: HASH }, 202));
    expect(await api.submitTx(AGENT, "user_prompt", "héllo")).toEqual({
      accepted: true,
      tx_id: HASH,
    });
    expect(calls[0]?.url).toBe("http://aura.test/tx");
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toBe("Bearer tok");
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      agent_id: AGENT,
      kind: "user_prompt",
      payload: Buffer.from("héllo").toString("base64"),
    });
  });

  it("turns the server's error body into one ApiError with its stable code", async () => {
    const { api } = client(() =>
      json({ error: { code: "not_found", message: `agent ${AGENT} not found` } }, 404),
    );
    const err = await api.head(AGENT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "not_found", status: 404 });
  });

  it("names the URL in a network_error when the server cannot be reached", async () => {
    const { api } = client(() => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
      });
    });
    await expect(api.listAgents()).rejects.toMatchObject({
      code: "network_error",
      message: "cannot reach http://aura.test (ECONNREFUSED)",
    });
  });

  it("gives up on a server that does not answer in time with a network_error", async () => {
    const fetchImpl = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      })) as unknown as typeof fetch;
    const api = new HttpClient("http://slow.test", "tok", fetchImpl, 50);
    await expect(api.health()).rejects.toMatchObject({
      code: "network_error",
      message: "cannot reach http://slow.test (no answer in 50 ms)",
    });
  });

  it("refuses a reply that is not the documented shape with bad_response", async () => {
    const { api } = client(() => json({ agent_id: AGENT }));
    await expect(api.verify(AGENT)).rejects.toMatchObject({ code: "bad_response" });
  });

  it("lists agents with their name when the server gives one, and without when it does not", async () => {
    const row = { agent_id: AGENT, head_seq: 3, status: "active", created_at: 1 };
    const { api } = client(() => json([row, { ...row, agent_id: "c".repeat(64), name: "helper" }]));
    const agents = await api.listAgents();
    expect(agents.map((a) => a.name)).toEqual([undefined, "helper"]);
  });

  it("reads the whole record page after page", async () => {
    const { api, calls } = client((url) => {
      const from = Number(new URL(url).searchParams.get("from_seq"));
      const size = from === 1 ? 1000 : 2;
      return json(Array.from({ length: size }, (_, i) => entry(from + i)));
    });
    const seqs: number[] = [];
    for await (const e of api.recordFrom(AGENT)) seqs.push(e.seq);
    expect(seqs).toHaveLength(1002);
    expect(seqs[1001]).toBe(1002);
    expect(calls.map((c) => new URL(c.url).searchParams.get("from_seq"))).toEqual(["1", "1001"]);
  });

  it("answers an approval at the approvals route of the agent", async () => {
    const { api, calls } = client(() =>
      json({ agent_id: AGENT, tool_use_id: "toolu_1", approved: false, seq: 9 }),
    );
    expect(await api.answerApproval(AGENT, "toolu_1", false)).toMatchObject({ seq: 9 });
    expect(calls[0]?.url).toBe(`http://aura.test/agents/${AGENT}/approvals/toolu_1`);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ approved: false });
  });
});
