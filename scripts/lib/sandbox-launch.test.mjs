import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { recordInputs } from "./bundle-freshness.mjs";
import {
  SANDBOX_BUILD_INPUTS,
  SANDBOX_BUNDLE,
  SANDBOX_BUNDLE_FILES,
  staleBundleReason,
} from "./sandbox-bundle.mjs";
import { sandboxEnv } from "./sandbox-process.mjs";
import { parseSettings } from "./settings.mjs";

const dirs = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What esbuild reads to build the fixture's bundle. */
const SOURCES = [
  "sandbox/src/main.ts",
  "sandbox/src/tools/read-file.ts",
  "src/protocol/sandbox.ts",
];

/**
 * A repository with the bundle's sources and, optionally, a bundle built from them with its
 * inputs list; all files dated a minute ago.
 */
function repo({ bundle }) {
  const root = mkdtempSync(join(tmpdir(), "aura-sandbox-bundle-"));
  dirs.push(root);
  const files = [...SOURCES, ...SANDBOX_BUILD_INPUTS];
  if (bundle) files.push(SANDBOX_BUNDLE);
  const past = new Date(Date.now() - 60_000);
  for (const file of files) {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), "x");
    utimesSync(join(root, file), past, past);
  }
  if (bundle) {
    const inputs = Object.fromEntries(SOURCES.map((source) => [source, {}]));
    recordInputs(root, SANDBOX_BUNDLE_FILES, { inputs }, SANDBOX_BUILD_INPUTS);
  }
  return root;
}

describe("staleBundleReason", () => {
  it("given no bundle, when checked, then it must be built", () => {
    expect(staleBundleReason(repo({ bundle: false }))).toBe(`${SANDBOX_BUNDLE} does not exist`);
  });

  it("given a bundle no older than its sources, when checked, then it is up to date", () => {
    expect(staleBundleReason(repo({ bundle: true }))).toBeUndefined();
  });

  it("given a source edited after the bundle, when checked, then that file is named", () => {
    const root = repo({ bundle: true });
    writeFileSync(join(root, "sandbox/src/tools/read-file.ts"), "y");
    expect(staleBundleReason(root)).toBe(
      `sandbox/src/tools/read-file.ts is newer than ${SANDBOX_BUNDLE}`,
    );
  });

  it("given the shared wire contract edited after the bundle, when checked, then it must be rebuilt", () => {
    const root = repo({ bundle: true });
    writeFileSync(join(root, "src/protocol/sandbox.ts"), "y");
    expect(staleBundleReason(root)).toContain("src/protocol/sandbox.ts");
  });

  it("given the lockfile changed after the bundle, when checked, then it must be rebuilt", () => {
    const root = repo({ bundle: true });
    writeFileSync(join(root, "package-lock.json"), "y");
    expect(staleBundleReason(root)).toBe(`package-lock.json is newer than ${SANDBOX_BUNDLE}`);
  });
});

describe("sandboxEnv", () => {
  it("given npm start's environment, when the sandbox's is built, then no Aura setting or secret is inherited but its isolation settings, and its own are set", () => {
    const env = sandboxEnv({
      env: {
        PATH: "/bin",
        AURA_JWT_SECRET: "jwt",
        AURA_ANTHROPIC_API_KEY: "key",
        SANDBOX_URL: "http://elsewhere",
        ALLOWED_COMMANDS: "rm",
        AURA_SANDBOX_ISOLATION: "off",
        AURA_SANDBOX_NETWORK: "off",
      },
      root: "/data/sandbox",
      port: 8788,
      secret: "t".repeat(64),
      allowedCommands: "git,ls",
    });
    expect(env).toEqual({
      PATH: "/bin",
      AURA_SANDBOX_ISOLATION: "off",
      AURA_SANDBOX_NETWORK: "off",
      SANDBOX_ROOT: "/data/sandbox",
      SANDBOX_HOST: "127.0.0.1",
      AURA_SANDBOX_PORT: "8788",
      SANDBOX_TOKEN_SECRET: "t".repeat(64),
      ALLOWED_COMMANDS: "git,ls",
    });
  });
});

describe("parseSettings: the sandbox", () => {
  it("given nothing, when parsed, then the sandbox port is 8788 and no secret is given", () => {
    const parsed = parseSettings({}, "/tmp");
    expect(parsed.ok && parsed.settings.sandboxPort).toBe(8788);
    expect(parsed.ok && parsed.settings.sandboxTokenSecret).toBeUndefined();
  });

  it("given a short SANDBOX_TOKEN_SECRET, when parsed, then it is refused naming it without quoting it", () => {
    const parsed = parseSettings({ SANDBOX_TOKEN_SECRET: "short-secret" }, "/tmp");
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toBe("SANDBOX_TOKEN_SECRET: must be at least 32 characters");
  });

  it("given a SANDBOX_URL, when parsed, then it is refused: npm start runs its own sandbox", () => {
    const parsed = parseSettings({ SANDBOX_URL: "http://127.0.0.1:9" }, "/tmp");
    expect(!parsed.ok && parsed.error).toMatch(/^SANDBOX_URL: npm start runs its own sandbox/);
  });

  it("given nothing, when parsed, then isolation and network are on; off is read; anything else is refused", () => {
    const parsed = parseSettings({}, "/tmp");
    expect(parsed.ok && [parsed.settings.sandboxIsolation, parsed.settings.sandboxNetwork]).toEqual(
      ["on", "on"],
    );
    const off = parseSettings(
      { AURA_SANDBOX_ISOLATION: "off", AURA_SANDBOX_NETWORK: "off" },
      "/tmp",
    );
    expect(off.ok && [off.settings.sandboxIsolation, off.settings.sandboxNetwork]).toEqual([
      "off",
      "off",
    ]);
    const bad = parseSettings({ AURA_SANDBOX_ISOLATION: "no" }, "/tmp");
    expect(!bad.ok && bad.error).toBe('AURA_SANDBOX_ISOLATION: must be on or off (got "no")');
  });

  it("given the same port for both, when parsed, then AURA_SANDBOX_PORT is refused", () => {
    const parsed = parseSettings({ AURA_PORT: "9000", AURA_SANDBOX_PORT: "9000" }, "/tmp");
    expect(!parsed.ok && parsed.error).toContain("AURA_SANDBOX_PORT: must differ from AURA_PORT");
  });
});
