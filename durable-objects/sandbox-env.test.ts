import { describe, expect, it } from "vitest";
import { deriveWorkspaceKey, workspaceKeyToHex } from "../src/tools/workspace-key.js";
import { sandboxEnvOf } from "./sandbox-env.js";

const SECRET = "container-secret-0123456789abcdefghijkl";
const WS_A = "a".repeat(64);
const WS_B = "b".repeat(64);

describe("sandboxEnvOf", () => {
  it("hands the container its own workspace's key and never the secret", async () => {
    const vars = await sandboxEnvOf(
      { SANDBOX_TOKEN_SECRET: SECRET, ALLOWED_COMMANDS: " git,ls ", AURA_JWT_SECRET: "j" },
      WS_A,
    );
    expect(vars).toEqual({
      SANDBOX_HOST: "0.0.0.0",
      AURA_SANDBOX_PORT: "8788",
      SANDBOX_ROOT: "/data/sandbox",
      SANDBOX_WORKSPACE_ID: WS_A,
      SANDBOX_WORKSPACE_KEY: workspaceKeyToHex(await deriveWorkspaceKey(SECRET, WS_A)),
      ALLOWED_COMMANDS: "git,ls",
    });
    expect(Object.keys(vars)).not.toContain("SANDBOX_TOKEN_SECRET");
    expect(Object.values(vars).join("\n")).not.toContain(SECRET);
  });

  it("gives two workspaces' containers different keys", async () => {
    const a = await sandboxEnvOf({ SANDBOX_TOKEN_SECRET: SECRET }, WS_A);
    const b = await sandboxEnvOf({ SANDBOX_TOKEN_SECRET: SECRET }, WS_B);
    expect(a.SANDBOX_WORKSPACE_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(a.SANDBOX_WORKSPACE_KEY).not.toBe(b.SANDBOX_WORKSPACE_KEY);
  });

  it("passes the operator's isolation and network settings on to the container", async () => {
    const vars = await sandboxEnvOf(
      { SANDBOX_TOKEN_SECRET: SECRET, AURA_SANDBOX_ISOLATION: "off", AURA_SANDBOX_NETWORK: "off" },
      WS_A,
    );
    expect(vars.AURA_SANDBOX_ISOLATION).toBe("off");
    expect(vars.AURA_SANDBOX_NETWORK).toBe("off");
    const defaults = await sandboxEnvOf({ SANDBOX_TOKEN_SECRET: SECRET }, WS_A);
    expect(defaults.AURA_SANDBOX_ISOLATION).toBeUndefined();
  });

  it("passes no key when the Worker has no secret", async () => {
    const vars = await sandboxEnvOf({}, WS_A);
    expect(vars.SANDBOX_WORKSPACE_KEY).toBeUndefined();
    expect(vars.SANDBOX_TOKEN_SECRET).toBeUndefined();
  });
});
