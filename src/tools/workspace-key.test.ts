import { hkdfSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  deriveWorkspaceKey,
  WorkspaceKeys,
  workspaceKeyFromHex,
  workspaceKeyToHex,
} from "./workspace-key.js";

const SECRET = "workspace-key-test-secret-0123456789abcdef";
const WS_A = "a".repeat(64);
const WS_B = "b".repeat(64);

/**
 * The key of WS_A under SECRET. test/workers/workspace-key.test.ts asserts the same value
 * inside workerd, so the Worker and the Node sandbox derive alike.
 */
const KEY_A_HEX = "b3c018aa38031dcf1e7773aee7af8fb42685775592e1cf42006c51cd1d43364c";

describe("deriveWorkspaceKey", () => {
  it("is HKDF-SHA256 of the secret with the workspace id as info", async () => {
    const oracle = hkdfSync("sha256", SECRET, "aura-swarm/sandbox-token-key/v1", WS_A, 32);
    expect(await deriveWorkspaceKey(SECRET, WS_A)).toEqual(new Uint8Array(oracle));
  });

  it("is deterministic and gives two workspaces different keys", async () => {
    const a1 = await deriveWorkspaceKey(SECRET, WS_A);
    const a2 = await deriveWorkspaceKey(SECRET, WS_A);
    const b = await deriveWorkspaceKey(SECRET, WS_B);
    expect(workspaceKeyToHex(a1)).toBe(workspaceKeyToHex(a2));
    expect(workspaceKeyToHex(a1)).not.toBe(workspaceKeyToHex(b));
    expect(workspaceKeyToHex(a1)).toBe(KEY_A_HEX);
  });

  it("depends on the secret", async () => {
    const other = await deriveWorkspaceKey(`${SECRET}x`, WS_A);
    expect(workspaceKeyToHex(other)).not.toBe(KEY_A_HEX);
  });
});

describe("workspaceKeyFromHex", () => {
  it("reads back what workspaceKeyToHex wrote and refuses anything else", async () => {
    const key = await deriveWorkspaceKey(SECRET, WS_B);
    expect(workspaceKeyFromHex(workspaceKeyToHex(key))).toEqual(key);
    expect(workspaceKeyFromHex("abc")).toBeUndefined();
    expect(workspaceKeyFromHex("g".repeat(64))).toBeUndefined();
  });
});

describe("WorkspaceKeys", () => {
  it("serves the derived key and keeps at most maxEntries", async () => {
    const keys = new WorkspaceKeys(SECRET, 2);
    expect(workspaceKeyToHex(await keys.of(WS_A))).toBe(KEY_A_HEX);
    await keys.of(WS_B);
    await keys.of("c".repeat(64));
    expect(keys.size).toBe(2);
    expect(workspaceKeyToHex(await keys.of(WS_A))).toBe(KEY_A_HEX);
  });
});
