import { describe, expect, it } from "vitest";
import { parseSlash, SLASH_COMMANDS, slashHelp } from "./registry.js";

describe("parseSlash", () => {
  it("splits a command line into its name and arguments", () => {
    expect(parseSlash("/history 5")).toEqual({ ok: true, name: "history", args: ["5"] });
    expect(parseSlash("  /verify  ")).toEqual({ ok: true, name: "verify", args: [] });
  });

  it("keeps the spaces of a path that takes the rest of the line", () => {
    expect(parseSlash("/cat notes/a b.md")).toEqual({
      ok: true,
      name: "cat",
      args: ["notes/a b.md"],
    });
  });

  it("answers the usage line when the arguments do not fit", () => {
    expect(parseSlash("/fork 1 2")).toEqual({ ok: false, message: "usage: /fork [seq]" });
    expect(parseSlash("/attach")).toEqual({ ok: false, message: "usage: /attach ID" });
  });

  it("names an unknown command and suggests near ones", () => {
    const parsed = parseSlash("/verfy");
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain("unknown command /verfy");
    expect(!parsed.ok && parsed.message).toContain("/verify");
  });

  it("accepts the reference's aliases for quitting", () => {
    expect(parseSlash("/exit")).toEqual({ ok: true, name: "quit", args: [] });
  });

  it("lists every command once in the help, each with its usage", () => {
    const help = slashHelp();
    expect(help).toHaveLength(SLASH_COMMANDS.length);
    for (const spec of SLASH_COMMANDS) {
      expect(help.some((line) => line.startsWith(spec.usage))).toBe(true);
    }
    expect(new Set(SLASH_COMMANDS.map((s) => s.name)).size).toBe(SLASH_COMMANDS.length);
  });
});
