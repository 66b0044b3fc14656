import { describe, expect, it } from "vitest";
import {
  decideToolCall,
  permissionFor,
  policyBelowFloor,
  resolvePolicy,
  stricterLevel,
} from "./policy.js";

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

  it("treats domain tools like files: reads always allowed, project changes asked once under strict", () => {
    const dev = resolvePolicy(undefined, "dev");
    const strict = resolvePolicy(undefined, "strict");
    for (const tool of ["get_project", "list_specs", "get_spec", "list_tasks"]) {
      expect(permissionFor(strict, tool)).toBe("always_allow");
    }
    for (const tool of ["create_task", "transition_task", "delete_spec", "update_project"]) {
      expect(permissionFor(dev, tool)).toBe("always_allow");
      expect(permissionFor(strict, tool)).toBe("ask_once");
      expect(permissionFor(resolvePolicy("dev", "strict"), tool)).toBe("ask_once");
    }
  });

  it("lets an agent's profile raise the deployment's", () => {
    expect(resolvePolicy("strict", "dev").profile).toBe("strict");
    expect(resolvePolicy({ profile: "strict" }, "dev").levels.run_command).toBe("always_ask");
  });

  it("looks up a per-tool override first, then the listed default, then allow_unlisted", () => {
    const policy = resolvePolicy({ tools: { read_file: "deny" }, allow_unlisted: false }, "dev");
    expect(permissionFor(policy, "read_file")).toBe("deny");
    expect(permissionFor(policy, "write_file")).toBe("always_allow");
    expect(permissionFor(policy, "my_installed_tool")).toBe("deny");
    const open = resolvePolicy({ allow_unlisted: true }, "dev");
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

  describe("AURA_POLICY is a floor", () => {
    it("orders levels deny > always_ask > ask_once > always_allow", () => {
      expect(stricterLevel("always_allow", "ask_once")).toBe("ask_once");
      expect(stricterLevel("always_ask", "ask_once")).toBe("always_ask");
      expect(stricterLevel("always_ask", "deny")).toBe("deny");
      expect(stricterLevel("deny", "always_allow")).toBe("deny");
    });

    it("keeps an agent that asks for the dev profile on a strict floor at the strict levels", () => {
      for (const setting of ["dev", { profile: "dev" }] as const) {
        const policy = resolvePolicy(setting, "strict");
        expect(policy.profile).toBe("strict");
        expect(permissionFor(policy, "run_command")).toBe("always_ask");
        expect(permissionFor(policy, "write_file")).toBe("ask_once");
        expect(permissionFor(policy, "read_file")).toBe("always_allow");
        expect(permissionFor(policy, "installed")).toBe("deny");
      }
    });

    it("clamps a per-tool override below the floor to the floor's level for that tool", () => {
      const policy = resolvePolicy(
        { tools: { run_command: "always_allow", write_file: "ask_once", delete_file: "deny" } },
        "strict",
      );
      expect(permissionFor(policy, "run_command")).toBe("always_ask");
      expect(permissionFor(policy, "write_file")).toBe("ask_once");
      expect(permissionFor(policy, "delete_file")).toBe("deny");
    });

    it("clamps an unlisted tool the agent allows to the floor's unlisted level", () => {
      const policy = resolvePolicy({ tools: { my_tool: "always_allow" } }, "strict");
      expect(permissionFor(policy, "my_tool")).toBe("deny");
    });

    it("refuses allow_unlisted above a dev floor", () => {
      const policy = resolvePolicy({ allow_unlisted: true }, "strict");
      expect(policy.allow_unlisted).toBe(false);
      expect(permissionFor(policy, "other")).toBe("deny");
    });

    it("lets an agent be stricter than a dev floor, tool by tool and as a whole", () => {
      expect(permissionFor(resolvePolicy("strict", "dev"), "run_command")).toBe("always_ask");
      const tight = resolvePolicy({ tools: { read_file: "deny" }, allow_unlisted: false }, "dev");
      expect(permissionFor(tight, "read_file")).toBe("deny");
      expect(permissionFor(tight, "other")).toBe("deny");
    });

    it("keeps a tool named like an Object property an own level under the clamp", () => {
      const policy = resolvePolicy({ tools: { __proto__: "always_allow" } }, "strict");
      expect(Object.getPrototypeOf(policy.levels)).toBe(Object.prototype);
      expect(permissionFor(policy, "constructor")).toBe("deny");
    });

    it("names what a setting asks for below the floor, and passes what it does not", () => {
      expect(policyBelowFloor("dev", "strict")).toBe(
        "profile dev is looser than AURA_POLICY=strict",
      );
      expect(policyBelowFloor({ profile: "dev" }, "strict")).toMatch(/AURA_POLICY=strict/);
      expect(policyBelowFloor({ allow_unlisted: true }, "strict")).toMatch(/^allow_unlisted/);
      expect(policyBelowFloor({ tools: { run_command: "always_allow" } }, "strict")).toBe(
        "tools.run_command: always_allow is looser than always_ask, the level AURA_POLICY=strict sets",
      );
      expect(policyBelowFloor({ tools: { my_tool: "ask_once" } }, "strict")).toMatch(/my_tool/);
      expect(policyBelowFloor(undefined, "strict")).toBeUndefined();
      expect(policyBelowFloor("strict", "strict")).toBeUndefined();
      expect(policyBelowFloor({ tools: { run_command: "deny" } }, "strict")).toBeUndefined();
      expect(policyBelowFloor("dev", "dev")).toBeUndefined();
      expect(policyBelowFloor({ allow_unlisted: true, tools: { x: "always_allow" } }, "dev")).toBe(
        undefined,
      );
    });
  });
});
