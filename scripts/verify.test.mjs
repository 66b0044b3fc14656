import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textToBase64 } from "../src/core/base64.js";
import { fixtureExport, ndjson } from "../src/record/test-export.js";

const script = fileURLToPath(new URL("./verify.mjs", import.meta.url));
let dir;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aura-verify-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `node scripts/verify.mjs ...args`; resolves with its exit code and output. */
function run(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

function exportFile(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("npm run verify -- FILE", () => {
  it("prints ok and the head seq for an export that verifies, and exits 0", async () => {
    const { text } = fixtureExport(9);
    expect(await run(exportFile("good.ndjson", text))).toEqual({
      code: 0,
      stdout: "ok 9\n",
      stderr: "",
    });
  }, 30_000);

  it("prints the first bad seq, its line and why for a tampered export, and exits 4", async () => {
    const { header, entries } = fixtureExport(9);
    const tampered = structuredClone(entries);
    tampered[4].tx.payload = textToBase64("rewritten");
    const result = await run(exportFile("bad.ndjson", ndjson(header, tampered)));
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/^bad 5 \(line 6\) hash_mismatch: /);
  }, 30_000);

  it("exits 3 for a file that does not exist and 2 without exactly one FILE", async () => {
    const missing = await run(join(dir, "nope.ndjson"));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("no file");
    expect((await run()).code).toBe(2);
    expect((await run("a", "b")).code).toBe(2);
  }, 30_000);
});
