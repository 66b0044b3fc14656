import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSandboxConfig } from "../../sandbox/src/config.js";

const secret = "x".repeat(32);

describe("loadSandboxConfig", () => {
  it("applies the defaults", () => {
    expect(loadSandboxConfig({ SANDBOX_TOKEN_SECRET: secret })).toEqual({
      root: path.resolve("./aura_data/sandbox"),
      tokenSecret: secret,
      allowedCommands: [],
      port: 8788,
      host: "127.0.0.1",
    });
  });

  it("reads every variable", () => {
    const config = loadSandboxConfig({
      SANDBOX_ROOT: "/data/sb",
      SANDBOX_TOKEN_SECRET: secret,
      ALLOWED_COMMANDS: " git, ls ,,npm",
      AURA_SANDBOX_PORT: "9000",
      SANDBOX_HOST: "0.0.0.0",
    });
    expect(config).toMatchObject({
      root: "/data/sb",
      allowedCommands: ["git", "ls", "npm"],
      port: 9000,
      host: "0.0.0.0",
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names the variable in every error", () => {
    expect(() => loadSandboxConfig({})).toThrow(/^SANDBOX_TOKEN_SECRET: is required/);
    expect(() => loadSandboxConfig({ SANDBOX_TOKEN_SECRET: "short" })).toThrow(
      /^SANDBOX_TOKEN_SECRET: must be at least 32 characters/,
    );
    expect(() =>
      loadSandboxConfig({ SANDBOX_TOKEN_SECRET: secret, AURA_SANDBOX_PORT: "70000" }),
    ).toThrow(/^AURA_SANDBOX_PORT:/);
    expect(() =>
      loadSandboxConfig({ SANDBOX_TOKEN_SECRET: secret, AURA_SANDBOX_PORT: "80a" }),
    ).toThrow(/^AURA_SANDBOX_PORT: must be a whole number/);
  });
});
