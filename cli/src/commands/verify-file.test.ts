import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { textToBase64 } from "../../../src/core/base64.js";
import type { RecordEntry } from "../../../src/core/record.js";
import { fixtureExport, ndjson } from "../../../src/record/test-export.js";
import { main } from "../main.js";

let dir: string;
let saved: NodeJS.ProcessEnv;
let stdout: string[];
let stderr: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aura-verify-file-"));
  saved = { ...process.env };
  // No server and no credentials: `--file` must not need either.
  for (const name of Object.keys(process.env))
    if (name.startsWith("AURA_")) delete process.env[name];
  process.env.AURA_HOME = dir;
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

function exportFile(text: string): string {
  const path = join(dir, "agent.ndjson");
  writeFileSync(path, text);
  return path;
}

describe("aura verify --file", () => {
  it("reports an export that verifies with its head seq, exit 0, with no server", async () => {
    const { text, header } = fixtureExport(6);
    const file = exportFile(text);

    expect(await main(["verify", "--file", file])).toBe(0);

    expect(stdout.map((l) => JSON.parse(l))).toEqual([
      { file, ok: true, agent_id: header.agent_id, head_seq: 6, checked: 6 },
    ]);
    expect(stderr).toEqual([]);
  });

  it("names the first bad seq and why for a tampered export, exit 4", async () => {
    const { header, entries } = fixtureExport(6);
    const tampered = structuredClone(entries) as RecordEntry[];
    (tampered[3] as RecordEntry).tx.payload = textToBase64("rewritten");
    const file = exportFile(ndjson(header, tampered));

    expect(await main(["verify", "--file", file])).toBe(4);

    expect(JSON.parse(stdout.join(""))).toMatchObject({ ok: false, first_bad_seq: 4, line: 5 });
    expect(stderr.join("")).toMatch(
      new RegExp(`^aura: ${file} does not verify at seq 4 \\(line 5\\): hash_mismatch: `),
    );
  });

  it("exits 3 for a missing file and 2 for an agent and a file, or neither", async () => {
    expect(await main(["verify", "--file", join(dir, "nope.ndjson")])).toBe(3);
    expect(stderr.join("")).toContain("no file");
    expect(await main(["verify", "a".repeat(64), "--file", exportFile("")])).toBe(2);
    expect(await main(["verify"])).toBe(2);
  });
});
