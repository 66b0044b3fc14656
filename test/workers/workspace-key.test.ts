import { describe, expect, it } from "vitest";
import { deriveWorkspaceKey, workspaceKeyToHex } from "../../src/tools/workspace-key.js";

describe("deriveWorkspaceKey inside workerd", () => {
  it("derives the same key as Node (the vector src/tools/workspace-key.test.ts checks)", async () => {
    const key = await deriveWorkspaceKey(
      "workspace-key-test-secret-0123456789abcdef",
      "a".repeat(64),
    );
    expect(workspaceKeyToHex(key)).toBe(
      "b3c018aa38031dcf1e7773aee7af8fb42685775592e1cf42006c51cd1d43364c",
    );
  });

  it("gives two workspaces different keys", async () => {
    const secret = "workspace-key-test-secret-0123456789abcdef";
    const a = await deriveWorkspaceKey(secret, "a".repeat(64));
    const b = await deriveWorkspaceKey(secret, "b".repeat(64));
    expect(workspaceKeyToHex(a)).not.toBe(workspaceKeyToHex(b));
  });
});
