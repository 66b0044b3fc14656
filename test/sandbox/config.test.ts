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
      isolation: "on",
      network: true,
    });
  });

  it("reads every variable", () => {
    const config = loadSandboxConfig({
      SANDBOX_ROOT: "/data/sb",
      SANDBOX_TOKEN_SECRET: secret,
      ALLOWED_COMMANDS: " git, ls ,,npm",
      AURA_SANDBOX_PORT: "9000",
      SANDBOX_HOST: "0.0.0.0",
      AURA_SANDBOX_ISOLATION: "off",
      AURA_SANDBOX_NETWORK: "off",
    });
    expect(config).toMatchObject({
      root: "/data/sb",
      allowedCommands: ["git", "ls", "npm"],
      port: 9000,
      host: "0.0.0.0",
      isolation: "off",
      network: false,
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
    expect(() =>
      loadSandboxConfig({ SANDBOX_TOKEN_SECRET: secret, AURA_SANDBOX_ISOLATION: "maybe" }),
    ).toThrow(/^AURA_SANDBOX_ISOLATION: must be on or off/);
    expect(() =>
      loadSandboxConfig({ SANDBOX_TOKEN_SECRET: secret, AURA_SANDBOX_NETWORK: "yes" }),
    ).toThrow(/^AURA_SANDBOX_NETWORK: must be on or off/);
  });
});

describe("loadSandboxConfig: token keys", () => {
  const workspace = "c".repeat(64);
  const keyHex = "0f".repeat(32);

  it("reads one workspace's id and key instead of the secret", () => {
    const config = loadSandboxConfig({
      SANDBOX_WORKSPACE_ID: workspace,
      SANDBOX_WORKSPACE_KEY: keyHex,
    });
    expect(config.tokenSecret).toBeUndefined();
    expect(config.workspaceKey?.workspace).toBe(workspace);
    expect(Buffer.from(config.workspaceKey?.key ?? []).toString("hex")).toBe(keyHex);
  });

  it("deletes the secret and the key from the environment it read", () => {
    const env: Record<string, string | undefined> = {
      SANDBOX_TOKEN_SECRET: secret,
      SANDBOX_ROOT: "/data/sb",
    };
    loadSandboxConfig(env);
    expect(env).toEqual({ SANDBOX_ROOT: "/data/sb" });
    const single: Record<string, string | undefined> = {
      SANDBOX_WORKSPACE_ID: workspace,
      SANDBOX_WORKSPACE_KEY: keyHex,
    };
    loadSandboxConfig(single);
    expect(single).toEqual({ SANDBOX_WORKSPACE_ID: workspace });
  });

  it("names the variable when the keys are missing, malformed or mixed", () => {
    expect(() => loadSandboxConfig({ SANDBOX_WORKSPACE_ID: workspace })).toThrow(
      /^SANDBOX_WORKSPACE_KEY: is required/,
    );
    expect(() => loadSandboxConfig({ SANDBOX_WORKSPACE_KEY: keyHex })).toThrow(
      /^SANDBOX_WORKSPACE_ID: is required/,
    );
    expect(() =>
      loadSandboxConfig({ SANDBOX_WORKSPACE_ID: "ABC", SANDBOX_WORKSPACE_KEY: keyHex }),
    ).toThrow(/^SANDBOX_WORKSPACE_ID: must be 64 lowercase hex/);
    expect(() =>
      loadSandboxConfig({ SANDBOX_WORKSPACE_ID: workspace, SANDBOX_WORKSPACE_KEY: "zz" }),
    ).toThrow(/^SANDBOX_WORKSPACE_KEY: must be 64 hex digits/);
    expect(() =>
      loadSandboxConfig({
        SANDBOX_TOKEN_SECRET: secret,
        SANDBOX_WORKSPACE_ID: workspace,
        SANDBOX_WORKSPACE_KEY: keyHex,
      }),
    ).toThrow(/^SANDBOX_TOKEN_SECRET: set it or SANDBOX_WORKSPACE_ID/);
  });
});
