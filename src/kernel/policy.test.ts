import { describe, expect, it } from "vitest";
import { decideToolCall, permissionFor, resolvePolicy } from "./policy.js";

describe("policy", () => {
  it("allows every built-in tool in the dev profile", () => {
    const policy = resolvePolicy(undefined, "dev");
    for (const tool of ["read_file", "write_file", "edit_file", "delete_file", "run_command"]) {
      expect(permissionFor(policy, tool)).toBe("always_allow");
    }
  });

  it("asks once for writes and every time for commands in the strict profile, reads stay allowed", () => {
    const policy = resolvePolicy(undefined, "strict");
    expect(permissionFor(policy, "read_file")).toBe("always_allow");
    expect(permissionFor(policy, "search_code")).toBe("always_allow");
    expect(permissionFor(policy, "write_file")).toBe("ask_once");
    expect(permissionFor(policy, "delete_file")).toBe("ask_once");
    expect(permissionFor(policy, "run_command")).toBe("always_ask");
  });

  it("lets an agent's profile override the deployment's", () => {
    expect(resolvePolicy("strict", "dev").profile).toBe("strict");
    expect(resolvePolicy({ profile: "dev" }, "strict").levels.run_command).toBe("always_allow");
  });

  it("looks up a per-tool override first, then the listed default, then allow_unlisted", () => {
    const policy = resolvePolicy({ tools: { read_file: "deny" }, allow_unlisted: false }, "dev");
    expect(permissionFor(policy, "read_file")).toBe("deny");
    expect(permissionFor(policy, "write_file")).toBe("always_allow");
    expect(permissionFor(policy, "my_installed_tool")).toBe("deny");
    const open = resolvePolicy({ allow_unlisted: true }, "strict");
    expect(permissionFor(open, "my_installed_tool")).toBe("always_allow");
  });

  it("denies unlisted tools in strict mode and allows them in dev mode by default", () => {
    expect(permissionFor(resolvePolicy(undefined, "strict"), "other")).toBe("deny");
    expect(permissionFor(resolvePolicy(undefined, "dev"), "other")).toBe("always_allow");
  });

  it("does not let a tool named like an Object property inherit a level", () => {
    const policy = resolvePolicy(undefined, "strict");
    expect(permissionFor(policy, "constructor")).toBe("deny");
    expect(permissionFor(policy, "__proto__")).toBe("deny");
  });

  it("decides each level: allow, deny, ask once (remembered for the session), always ask", () => {
    const policy = resolvePolicy(
      { tools: { a: "always_allow", d: "deny", o: "ask_once", x: "always_ask" } },
      "dev",
    );
    expect(decideToolCall(policy, "a", false).decision).toBe("approved");
    expect(decideToolCall(policy, "d", true)).toEqual({
      decision: "denied",
      reason: "policy denies d",
    });
    expect(decideToolCall(policy, "o", false).decision).toBe("pending_approval");
    expect(decideToolCall(policy, "o", true).decision).toBe("approved");
    expect(decideToolCall(policy, "x", true).decision).toBe("pending_approval");
  });
});
