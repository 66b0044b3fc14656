import { describe, expect, it } from "vitest";
import { AuraError } from "../core/errors.js";
import {
  assertValidHistory,
  latestVersion,
  type Migration,
  pendingMigrations,
  type SchemaHistory,
} from "./schema-migrations.js";

function step(version: number, name = `step ${version}`): Migration {
  return { version, name, statements: [`CREATE TABLE t${version} (a)`] };
}

function historyOf(...migrations: Migration[]): SchemaHistory {
  return { kind: "demo", legacyMarker: "t1", migrations };
}

describe("pendingMigrations", () => {
  const history = historyOf(step(1), step(2), step(3));

  it("gives an empty object every migration, in order", () => {
    expect(pendingMigrations(history, 0).map((m) => m.version)).toEqual([1, 2, 3]);
  });

  it("gives an object at an older version only the migrations after it, in order", () => {
    expect(pendingMigrations(history, 1).map((m) => m.version)).toEqual([2, 3]);
  });

  it("gives an object at the latest version nothing, however often it is asked", () => {
    expect(latestVersion(history)).toBe(3);
    expect(pendingMigrations(history, 3)).toEqual([]);
    expect(pendingMigrations(history, 3)).toEqual([]);
  });

  it("gives an object ahead of the code (a rolled-back deploy) nothing", () => {
    expect(pendingMigrations(history, 5)).toEqual([]);
  });
});

describe("assertValidHistory", () => {
  it("accepts migrations numbered 1, 2, 3… in order", () => {
    expect(() => assertValidHistory(historyOf(step(1), step(2)))).not.toThrow();
  });

  it("refuses a gap, a repeat or an order other than the numbering", () => {
    for (const bad of [
      historyOf(step(1), step(3)),
      historyOf(step(1), step(1)),
      historyOf(step(2), step(1)),
      historyOf(step(0)),
    ]) {
      expect(() => pendingMigrations(bad, 0)).toThrow(AuraError);
    }
  });

  it("refuses a migration with no name or no statement, naming the kind and the version", () => {
    expect(() => assertValidHistory(historyOf(step(1), step(2, " ")))).toThrow(
      "schema history of demo: migration 2 has no name or no statement",
    );
    const empty: Migration = { version: 1, name: "nothing", statements: [] };
    expect(() => assertValidHistory(historyOf(empty))).toThrow(/migration 1 has no name/);
  });
});
