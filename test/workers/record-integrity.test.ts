import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeBase64, textToBase64 } from "../../src/core/base64.js";
import type { RecordEntry } from "../../src/core/record.js";
import {
  agentStub,
  bodyOf,
  call,
  getRecord,
  getVerify,
  mintToken,
  payloadText,
  randomAgentId,
  submitTx,
  waitForHead,
  waitForTx,
} from "./helpers.js";

const ORG = "org-integrity";
const MIB = 1024 * 1024;
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

/** An agent with `n` trigger entries, seq 1..n. */
async function agentWithEntries(n: number): Promise<string> {
  const agentId = randomAgentId();
  for (let i = 1; i <= n; i++) {
    await submitTx(token, { agent_id: agentId, kind: "trigger", text: `entry ${i}` });
  }
  await waitForHead(token, agentId, n);
  return agentId;
}

/** Random bytes (getRandomValues fills at most 64 KiB per call). */
function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 65_536) {
    crypto.getRandomValues(bytes.subarray(i, Math.min(length, i + 65_536)));
  }
  return bytes;
}

/** Stored sizes of one agent's rows, read from its SQLite storage. */
function storedSizes(agentId: string) {
  return runInDurableObject(agentStub(ORG, agentId), (_instance, state) => {
    const sql = state.storage.sql;
    return {
      chunkedRows: sql
        .exec<{ n: number }>(
          "SELECT COUNT(*) AS n FROM record WHERE tx_chunks IS NOT NULL OR body_chunks IS NOT NULL",
        )
        .one().n,
      chunks: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM chunk").one().n,
      largestRecordText: sql
        .exec<{ n: number | null }>(
          "SELECT MAX(MAX(LENGTH(COALESCE(tx, ''))), MAX(LENGTH(COALESCE(body, '')))) AS n FROM record",
        )
        .one().n,
      largestChunk: sql
        .exec<{ n: number | null }>("SELECT MAX(LENGTH(CAST(data AS BLOB))) AS n FROM chunk")
        .one().n,
    };
  });
}

describe("append-only record", () => {
  it("refuses UPDATE and DELETE of recorded entries", async () => {
    // Given an agent with a record
    const agentId = await agentWithEntries(2);

    // When its storage is asked to change or delete an entry
    const outcome = await runInDurableObject(agentStub(ORG, agentId), (_instance, state) => {
      const sql = state.storage.sql;
      const attempt = (statement: string): string => {
        try {
          sql.exec(statement);
          return "changed";
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      };
      return {
        update: attempt("UPDATE record SET hash = 'x' WHERE seq = 1"),
        delete: attempt("DELETE FROM record WHERE seq = 2"),
      };
    });

    // Then both are refused and the record still verifies
    expect(outcome.update).toMatch(/append-only/);
    expect(outcome.delete).toMatch(/append-only/);
    expect(await getVerify(token, agentId)).toEqual({ ok: true, head_seq: 2, checked: 2 });
  });
});

describe("verify", () => {
  it("reports an untouched record as ok", async () => {
    const agentId = await agentWithEntries(3);

    expect(await getVerify(token, agentId)).toEqual({ ok: true, head_seq: 3, checked: 3 });
  });

  const TAMPERED_SEQ = 3;
  const tamperings: Array<{ column: string; alter: (stored: string) => string }> = [
    {
      column: "tx",
      alter: (stored) =>
        JSON.stringify({ ...JSON.parse(stored), payload: textToBase64("rewritten history") }),
    },
    {
      column: "body",
      alter: (stored) =>
        JSON.stringify({
          ...JSON.parse(stored),
          decision: { accepted_action_ids: ["forged"], rejected: [] },
        }),
    },
    { column: "hash", alter: (stored) => stored.replace(/^./, (c) => (c === "0" ? "1" : "0")) },
  ];

  it.each(tamperings)("reports the first bad seq when a stored row's $column is altered", async ({
    column,
    alter,
  }) => {
    // Given a verified record of 5 entries
    const agentId = await agentWithEntries(5);
    expect((await getVerify(token, agentId)).ok).toBe(true);

    // When the append-only guard is dropped and one stored value at seq 3 is rewritten
    const { stored, altered } = await runInDurableObject(
      agentStub(ORG, agentId),
      (_instance, state) => {
        const sql = state.storage.sql;
        const stored = sql
          .exec<Record<string, string>>(
            `SELECT ${column} AS value FROM record WHERE seq = ?`,
            TAMPERED_SEQ,
          )
          .one().value as string;
        const altered = alter(stored);
        sql.exec("DROP TRIGGER record_no_update");
        sql.exec(`UPDATE record SET ${column} = ? WHERE seq = ?`, altered, TAMPERED_SEQ);
        return { stored, altered };
      },
    );
    expect(altered).not.toBe(stored);

    // Then verification fails at exactly that seq, with a reason
    const report = await getVerify(token, agentId);
    expect(report).toMatchObject({ ok: false, head_seq: 5, first_bad_seq: TAMPERED_SEQ });
    expect(report.checked).toBe(TAMPERED_SEQ - 1);
    expect(report.reason).toMatch(/mismatch/);
  });
});

describe("the submitting principal", () => {
  it("is part of the chain: rewriting a recorded sub breaks verification at that seq", async () => {
    // Given entries that bob submitted
    const bob = await mintToken({ org: ORG, sub: "bob" });
    const agentId = randomAgentId();
    for (const text of ["one", "two", "three"]) {
      await submitTx(bob, { agent_id: agentId, kind: "trigger", text });
    }
    await waitForHead(bob, agentId, 3);
    expect((await getRecord(bob, agentId)).map((e) => e.tx.sub)).toEqual(["bob", "bob", "bob"]);

    // When someone rewrites who submitted seq 2
    await runInDurableObject(agentStub(ORG, agentId), (_instance, state) => {
      const sql = state.storage.sql;
      const stored = sql.exec<{ tx: string }>("SELECT tx FROM record WHERE seq = 2").one().tx;
      sql.exec("DROP TRIGGER record_no_update");
      const altered = JSON.stringify({ ...JSON.parse(stored), sub: "alice" });
      sql.exec("UPDATE record SET tx = ? WHERE seq = 2", altered);
    });

    // Then verification fails there
    expect(await getVerify(bob, agentId)).toMatchObject({ ok: false, first_bad_seq: 2 });
  });

  it("is kept by a fork, which verifies", async () => {
    const bob = await mintToken({ org: ORG, sub: "bob" });
    const agentId = randomAgentId();
    await submitTx(bob, { agent_id: agentId, kind: "trigger", text: "kept" });
    await submitTx(bob, { agent_id: agentId, kind: "trigger", text: "not copied" });
    await waitForHead(bob, agentId, 2);
    const response = await call("POST", `/agents/${agentId}/fork`, {
      token: bob,
      json: { at_seq: 1 },
    });
    expect(response.status).toBe(201);
    const { agent_id: forkId } = await bodyOf<{ agent_id: string }>(response);
    const [copied] = await getRecord(bob, forkId);
    const [original] = await getRecord(bob, agentId);
    expect(copied?.tx.sub).toBe("bob");
    expect(copied?.hash).toBe(original?.hash);
    expect(await getVerify(bob, forkId)).toMatchObject({ ok: true, head_seq: 1 });
  });
});

describe("large payloads", () => {
  it("stores a 900 KiB payload in chunks and reads it back byte-identical", async () => {
    // Given 900 KiB of random bytes
    const bytes = randomBytes(900 * 1024);
    const payload = encodeBase64(bytes);
    const agentId = randomAgentId();

    // When they are posted as an action result
    const txId = await submitTx(token, { agent_id: agentId, kind: "action_result", payload });
    await waitForTx(token, agentId, txId);

    // Then the record route returns exactly the same bytes
    const [entry] = await getRecord(token, agentId);
    expect(entry?.tx.payload).toBe(payload);
    const decoded = Uint8Array.from(atob(entry?.tx.payload ?? ""), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(bytes);

    // And they were stored as chunks, no row near the 1 MiB limit, and the record verifies
    const sizes = await storedSizes(agentId);
    expect(sizes.chunkedRows).toBe(1);
    expect(sizes.chunks).toBeGreaterThan(1);
    expect(sizes.largestChunk).toBeLessThanOrEqual(MIB);
    expect(sizes.largestRecordText).toBeLessThan(MIB);
    expect(await getVerify(token, agentId)).toEqual({ ok: true, head_seq: 1, checked: 1 });
  });

  it("runs a turn on a 900 KiB prompt and records every large entry verifiably", async () => {
    // Given a prompt of 900 KiB of text
    const prompt = "0123456789abcdef".repeat((900 * 1024) / 16);
    const agentId = randomAgentId();

    // When it is posted
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: prompt });
    await waitForTx(token, agentId, txId);
    await waitForHead(token, agentId, 3);

    // Then the prompt, the model call and the reply are recorded whole, in chunks
    const entries = await getRecord(token, agentId);
    expect(entries.map((e) => e.tx.tx_type)).toEqual(["user_prompt", "reasoning", "agent_msg"]);
    const [inbound, , reply] = entries as [RecordEntry, RecordEntry, RecordEntry];
    expect(payloadText(inbound)).toBe(prompt);
    expect(payloadText(reply)).toBe(`Mock reply: ${prompt}`);
    const sizes = await storedSizes(agentId);
    expect(sizes.chunkedRows).toBe(3);
    expect(sizes.largestChunk).toBeLessThanOrEqual(MIB);
    expect(await getVerify(token, agentId)).toEqual({ ok: true, head_seq: 3, checked: 3 });
  });

  it("accepts a payload of exactly 1 MiB", async () => {
    const agentId = randomAgentId();
    const payload = encodeBase64(randomBytes(MIB));

    const txId = await submitTx(token, { agent_id: agentId, kind: "trigger", payload });

    await waitForTx(token, agentId, txId);
    const [entry] = await getRecord(token, agentId);
    expect(entry?.tx.payload).toBe(payload);
  });
});
