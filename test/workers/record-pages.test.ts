import { beforeAll, describe, expect, it } from "vitest";
import {
  bodyOf,
  call,
  getRecord,
  mintToken,
  randomAgentId,
  submitTx,
  waitForHead,
} from "./helpers.js";

let token: string;

beforeAll(async () => {
  token = await mintToken({ org: "org-pages" });
});

describe("GET /agents/:id/record pagination", () => {
  const SEEDED = 1005;
  let agentId: string;

  beforeAll(async () => {
    // Given an agent with more than 1000 entries (one per trigger), posted in parallel
    // batches through the Worker's fetch handler (see `Transport` for why not the loopback)
    agentId = randomAgentId();
    await submitTx(token, { agent_id: agentId, kind: "trigger", text: "0" }, "handler");
    for (let start = 1; start < SEEDED; start += 100) {
      const batch = Array.from({ length: Math.min(100, SEEDED - start) }, (_, i) =>
        submitTx(token, { agent_id: agentId, kind: "trigger", text: String(start + i) }, "handler"),
      );
      await Promise.all(batch);
    }
    await waitForHead(token, agentId, SEEDED);
  });

  it("returns 100 entries from seq 1 by default", async () => {
    const entries = await getRecord(token, agentId);

    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("returns the page from_seq and limit select", async () => {
    const entries = await getRecord(token, agentId, { from_seq: 10, limit: 5 });

    expect(entries.map((e) => e.seq)).toEqual([10, 11, 12, 13, 14]);
  });

  it("clamps limit=5000 to 1000 entries and still answers 200", async () => {
    const response = await call("GET", `/agents/${agentId}/record?from_seq=1&limit=5000`, {
      token,
    });

    expect(response.status).toBe(200);
    const entries = await bodyOf<Array<{ seq: number }>>(response);
    expect(entries).toHaveLength(1000);
    expect(entries.at(0)?.seq).toBe(1);
    expect(entries.at(-1)?.seq).toBe(1000);
  });

  it("clamps limit=0 to one entry", async () => {
    const entries = await getRecord(token, agentId, { from_seq: 7, limit: 0 });

    expect(entries.map((e) => e.seq)).toEqual([7]);
  });

  it("returns the rest of the record after the first 1000 and nothing past the head", async () => {
    const rest = await getRecord(token, agentId, { from_seq: 1001, limit: 1000 });
    const past = await getRecord(token, agentId, { from_seq: SEEDED + 1 });

    expect(rest.map((e) => e.seq)).toEqual(
      Array.from({ length: SEEDED - 1000 }, (_, i) => 1001 + i),
    );
    expect(past).toEqual([]);
  });

  it("refuses from_seq=0 with 400", async () => {
    const response = await call("GET", `/agents/${agentId}/record?from_seq=0`, { token });

    expect(response.status).toBe(400);
  });
});
