import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { recordInputs, staleReason } from "./bundle-freshness.mjs";

const BUNDLE = { output: "dist/app.js", inputsList: "dist/inputs.json" };
const SOURCES = ["src/main.ts", "src/view.ts"];

const dirs = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` under `root`, each dated a minute ago. */
function writeOld(root, files) {
  const past = new Date(Date.now() - 60_000);
  for (const file of files) {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), "x");
    utimesSync(join(root, file), past, past);
  }
}

/** A repository with two sources and, optionally, a bundle built from them and its inputs list. */
function repo({ built }) {
  const root = mkdtempSync(join(tmpdir(), "aura-bundle-freshness-"));
  dirs.push(root);
  writeOld(root, ["src/main.ts", "src/view.ts", "build.mjs"]);
  if (built) {
    writeOld(root, [BUNDLE.output]);
    const inputs = Object.fromEntries(SOURCES.map((source) => [source, {}]));
    recordInputs(root, BUNDLE, { inputs }, ["build.mjs"]);
  }
  return root;
}

describe("staleReason", () => {
  it("given no bundle, when checked, then it must be built", () => {
    expect(staleReason(repo({ built: false }), BUNDLE)).toBe("dist/app.js does not exist");
  });

  it("given a bundle without its inputs list, when checked, then it must be built", () => {
    const root = repo({ built: true });
    rmSync(join(root, BUNDLE.inputsList));
    expect(staleReason(root, BUNDLE)).toBe("dist/inputs.json does not exist");
  });

  it("given a bundle no older than its inputs, when checked, then it is up to date", () => {
    expect(staleReason(repo({ built: true }), BUNDLE)).toBeUndefined();
  });

  it("given an input edited after the bundle, when checked, then that file is named", () => {
    const root = repo({ built: true });
    writeFileSync(join(root, "src/view.ts"), "y");
    expect(staleReason(root, BUNDLE)).toBe("src/view.ts is newer than dist/app.js");
  });

  it("given a file the build also depends on edited after the bundle, when checked, then it must be rebuilt", () => {
    const root = repo({ built: true });
    writeFileSync(join(root, "build.mjs"), "y");
    expect(staleReason(root, BUNDLE)).toBe("build.mjs is newer than dist/app.js");
  });

  it("given an input deleted since the build, when checked, then it must be rebuilt", () => {
    const root = repo({ built: true });
    rmSync(join(root, "src/main.ts"));
    expect(staleReason(root, BUNDLE)).toContain("src/main.ts");
  });

  it("given a file outside the inputs list edited, when checked, then the bundle is still up to date", () => {
    const root = repo({ built: true });
    writeFileSync(join(root, "src/unused.ts"), "y");
    expect(staleReason(root, BUNDLE)).toBeUndefined();
  });
});

describe("recordInputs", () => {
  it("given a virtual module a plugin made, when recorded, then only real files are listed", () => {
    const root = mkdtempSync(join(tmpdir(), "aura-bundle-freshness-"));
    dirs.push(root);
    writeOld(root, ["src/main.ts", BUNDLE.output]);
    recordInputs(root, BUNDLE, { inputs: { "src/main.ts": {}, "zod-english:/abs/en.js": {} } });
    expect(staleReason(root, BUNDLE)).toBeUndefined();
  });
});
