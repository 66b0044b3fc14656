import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMITTED_TX_TYPES_TERM } from "../../durable-objects/agent/record-table.js";
import { AGENT_SCHEMA } from "../../durable-objects/agent/schema.js";
import { storedVersion, upgradeSchema } from "../../durable-objects/schema-upgrade.js";
import type { SchemaHistory } from "../../src/storage/schema-migrations.js";
import {
  agentStub,
  createAgent,
  evictAgents,
  getRecord,
  getTxStatus,
  getVerify,
  mintToken,
  randomAgentId,
  submitTx,
  waitForTx,
} from "./helpers.js";

const ORG = "org-schema";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

type VersionRow = { version: number; name: string; how: string };

/** The versions an object's storage records, in order. */
function versionRows(sql: SqlStorage): VersionRow[] {
  return sql
    .exec<VersionRow>("SELECT version, name, how FROM schema_migration ORDER BY version")
    .toArray();
}

/** Names of the object's tables and indexes (SQLite's own and workerd's left out). */
function schemaNames(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>(
      `SELECT name FROM sqlite_master
       WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'
       ORDER BY name`,
    )
    .toArray()
    .map((r) => r.name);
}

/** The query plan of a transaction's lookup by id, as the tx status route reads it. */
function txLookupPlan(sql: SqlStorage): string {
  return sql
    .exec<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT seq, tx_type FROM record WHERE tx_id = ? AND ${ADMITTED_TX_TYPES_TERM} ORDER BY seq LIMIT 1`,
      "x",
    )
    .toArray()
    .map((r) => r.detail)
    .join("; ");
}

describe("agent schema upgrade", () => {
  it("upgrades an agent left by the version-1 deploy once, on its first wake, and its record still verifies", async () => {
    // Given an agent with a finished turn (user_prompt, reasoning, agent_msg)
    const agentId = await createAgent(token);
    const txId = await submitTx(token, { agent_id: agentId, kind: "user_prompt", text: "hello" });
    const status = await waitForTx(token, agentId, txId);
    expect(status.status).toBe("processed");
    const before = await getRecord(token, agentId);
    expect(before.map((e) => e.tx.tx_type)).toContain("agent_msg");

    // And its storage as the deploy before schema versions left it: version 1's tables, no
    // version recorded, no version-2 index, no metrics checkpoint (version 3 and 5), version 1's index of
    // every entry's transaction id in place of version 4's (the rows of the record are
    // written the same way by every version)
    const latest = await runInDurableObject(agentStub(ORG, agentId), (_i, state) => {
      const names = schemaNames(state.storage.sql);
      state.storage.sql.exec("ALTER TABLE agent DROP COLUMN metrics");
      state.storage.sql.exec("DROP INDEX record_admitted_tx_id");
      state.storage.sql.exec("CREATE INDEX record_tx_id ON record (tx_id)");
      state.storage.sql.exec("DROP TABLE schema_migration");
      expect(storedVersion(state.storage.sql)).toBeUndefined();
      return names;
    });

    // When a new instance wakes over that storage
    await evictAgents();
    const woken = await runInDurableObject(agentStub(ORG, agentId), (_i, state) => ({
      rows: versionRows(state.storage.sql),
      names: schemaNames(state.storage.sql),
      plan: txLookupPlan(state.storage.sql),
    }));

    // Then version 1 was recognised (its DDL not run again), versions 2 to 5 applied, and
    // the schema is the one a new agent gets; the reply lookup goes through the new index
    expect(woken.rows).toEqual([
      { version: 1, name: AGENT_SCHEMA.migrations[0]?.name, how: "recognised" },
      { version: 2, name: "index of agent_msg entries", how: "applied" },
      { version: 3, name: "metrics folded from the record", how: "applied" },
      { version: 4, name: "transaction ids indexed for admitted entries only", how: "applied" },
      { version: 5, name: "metrics checkpoint in the agent row", how: "applied" },
    ]);
    expect(woken.names).toEqual(latest);
    expect(woken.names).not.toContain("record_tx_id");
    expect(woken.names).not.toContain("record_agent_msg");
    expect(woken.plan).toContain("record_admitted_tx_id");

    // And the record is unchanged and verifies; the status read through the index is the same
    expect(await getRecord(token, agentId)).toEqual(before);
    expect(await getVerify(token, agentId)).toMatchObject({ ok: true, head_seq: before.length });
    expect(await getTxStatus(token, agentId, txId)).toEqual(status);

    // And a second wake runs no migration: the rows are as they were (migration 2's
    // CREATE INDEX has no IF NOT EXISTS, so running it again would fail the wake), and the
    // runner finds nothing to do
    await evictAgents();
    const again = await runInDurableObject(agentStub(ORG, agentId), (_i, state) => ({
      rows: versionRows(state.storage.sql),
      upgrade: upgradeSchema(state.storage, AGENT_SCHEMA),
    }));
    expect(again.rows).toEqual(woken.rows);
    expect(again.upgrade).toEqual({ from: 5, to: 5, applied: [], recognised: false });
    expect((await getVerify(token, agentId)).ok).toBe(true);
  });

  it("creates a new agent at the latest version, every migration recorded as applied", async () => {
    const agentId = await createAgent(token);
    const rows = await runInDurableObject(agentStub(ORG, agentId), (_i, state) =>
      versionRows(state.storage.sql),
    );
    expect(rows.map((r) => [r.version, r.how])).toEqual([
      [1, "applied"],
      [2, "applied"],
      [3, "applied"],
      [4, "applied"],
      [5, "applied"],
    ]);
  });
});

/** A toy schema over the storage of an object wiped for the test. */
function toyHistory(...steps: string[][]): SchemaHistory {
  return {
    kind: "toy",
    legacyMarker: "toy",
    migrations: steps.map((statements, i) => ({
      version: i + 1,
      name: `toy ${i + 1}`,
      statements,
    })),
  };
}

/** Runs `use` on the storage of a fresh object emptied of every table. */
async function inEmptyStorage<T>(use: (storage: DurableObjectStorage) => T): Promise<T> {
  return runInDurableObject(agentStub(ORG, randomAgentId()), async (_i, state) => {
    await state.storage.deleteAll();
    return use(state.storage);
  });
}

describe("upgradeSchema", () => {
  const v1 = ["CREATE TABLE toy (a INTEGER)"];
  const v2 = ["ALTER TABLE toy ADD COLUMN b INTEGER", "CREATE INDEX toy_b ON toy (b)"];
  const v3 = ["CREATE TABLE toy_extra (c TEXT)"];

  it("applies the missing migrations in order, each once", async () => {
    const runs = await inEmptyStorage((storage) => [
      upgradeSchema(storage, toyHistory(v1, v2)),
      upgradeSchema(storage, toyHistory(v1, v2)),
      upgradeSchema(storage, toyHistory(v1, v2, v3)),
      schemaNames(storage.sql),
      storedVersion(storage.sql),
    ]);
    expect(runs).toEqual([
      { from: 0, to: 2, applied: [1, 2], recognised: false },
      { from: 2, to: 2, applied: [], recognised: false },
      { from: 2, to: 3, applied: [3], recognised: false },
      ["schema_migration", "toy", "toy_b", "toy_extra"],
      3,
    ]);
  });

  it("recognises storage from before versions by its marker table, without running migration 1", async () => {
    const result = await inEmptyStorage((storage) => {
      storage.sql.exec("CREATE TABLE toy (a INTEGER)");
      storage.sql.exec("INSERT INTO toy (a) VALUES (7)");
      // Migration 1 has no IF NOT EXISTS: running it over this storage would throw.
      const upgrade = upgradeSchema(storage, toyHistory(v1, v2));
      return {
        upgrade,
        rows: versionRows(storage.sql).map((r) => [r.version, r.how]),
        kept: storage.sql.exec<{ a: number }>("SELECT a FROM toy").toArray(),
      };
    });
    expect(result).toEqual({
      upgrade: { from: 1, to: 2, applied: [2], recognised: true },
      rows: [
        [1, "recognised"],
        [2, "applied"],
      ],
      kept: [{ a: 7 }],
    });
  });

  it("leaves the version and schema as they were when a migration fails, and applies it once fixed", async () => {
    const result = await inEmptyStorage((storage) => {
      upgradeSchema(storage, toyHistory(v1));
      const broken = ["CREATE TABLE toy_half (x)", "INSERT INTO no_such_table VALUES (1)"];
      let failure = "";
      try {
        upgradeSchema(storage, toyHistory(v1, broken));
      } catch (error) {
        failure = (error as Error).message;
      }
      const afterFailure = { version: storedVersion(storage.sql), names: schemaNames(storage.sql) };
      const fixed = upgradeSchema(storage, toyHistory(v1, v2));
      return { failure, afterFailure, fixed, names: schemaNames(storage.sql) };
    });
    expect(result.failure).toContain("no_such_table");
    expect(result.afterFailure).toEqual({ version: 1, names: ["schema_migration", "toy"] });
    expect(result.fixed).toEqual({ from: 1, to: 2, applied: [2], recognised: false });
    expect(result.names).toEqual(["schema_migration", "toy", "toy_b"]);
  });
});
