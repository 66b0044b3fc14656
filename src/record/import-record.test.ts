import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import { AuraError } from "../core/errors.js";
import type { RecordEntry } from "../core/record.js";
import type { ImportStep } from "../protocol/record-export.js";
import { IMPORT_BATCH_ENTRIES, importRecord } from "./import-record.js";
import { OpenTurn } from "./open-turn.js";
import { chunked, fixtureExport, ndjson } from "./test-export.js";

const ADDRESS = { org: "acme", agent_id: "b".repeat(64) };

/** Runs an import of `text`, recording the steps the new agent gets. */
async function importing(text: string, checkSettings?: () => void) {
  const steps: ImportStep[] = [];
  let error: unknown;
  try {
    await importRecord(chunked(text, 4096), {
      ...ADDRESS,
      now: 42,
      send: async (step) => {
        steps.push(step);
        return { ok: true, agent_id: ADDRESS.agent_id };
      },
      ...(checkSettings ? { checkSettings } : {}),
    });
  } catch (err) {
    error = err;
  }
  return { steps, error };
}

describe("importRecord", () => {
  it("writes the entries in batches, then the metadata with the head and the header's settings", async () => {
    const { text, entries } = fixtureExport(IMPORT_BATCH_ENTRIES + 3, 50);

    const { steps, error } = await importing(text);

    expect(error).toBeUndefined();
    expect(steps.map((s) => s.type)).toEqual(["entries", "entries", "finish"]);
    const written = steps.flatMap((s) => (s.type === "entries" ? s.entries : []));
    expect(written.map((s) => s.entry)).toEqual(entries);
    expect(steps.at(-1)).toEqual({
      type: "finish",
      ...ADDRESS,
      settings: { name: "fixture" },
      window_size: 50,
      head: { seq: entries.length, hash: entries.at(-1)?.hash },
      open_turn_seq: entries.reduce((turn, e) => turn.after(e), new OpenTurn()).seq,
      now: 42,
    });
  });

  it("refuses an entry that does not verify with invalid_record, and discards what it wrote", async () => {
    const { header, entries } = fixtureExport(IMPORT_BATCH_ENTRIES + 3, 50);
    const tampered = structuredClone(entries) as RecordEntry[];
    (tampered[IMPORT_BATCH_ENTRIES + 1] as RecordEntry).tx.payload = textToBase64("forged");

    const { steps, error } = await importing(ndjson(header, tampered));

    expect(error).toBeInstanceOf(AuraError);
    expect(error).toMatchObject({
      code: "invalid_record",
      details: { line: IMPORT_BATCH_ENTRIES + 3, first_bad_seq: IMPORT_BATCH_ENTRIES + 2 },
    });
    expect(steps.map((s) => s.type)).toEqual(["entries", "discard"]);
  });

  it("sends nothing when the header's settings are refused", async () => {
    const { text } = fixtureExport(3);
    const refused = new AuraError("invalid_request", "settings.policy: too loose");

    const { steps, error } = await importing(text, () => {
      throw refused;
    });

    expect(error).toBe(refused);
    expect(steps).toEqual([]);
  });

  it("does not carry a project over: projects belong to an org", async () => {
    const { header, entries } = fixtureExport(2);
    const text = ndjson(
      { ...header, settings: { name: "n", project_id: "c".repeat(64) } },
      entries,
    );

    const { steps } = await importing(text);

    expect(steps.at(-1)).toMatchObject({ type: "finish", settings: { name: "n" } });
    expect(steps.at(-1)).not.toHaveProperty("settings.project_id");
  });
});
