import { describe, expect, it } from "vitest";
import { TOOL_ARGS } from "../protocol/tool-args.js";
import { BUILTIN_TOOLS, builtinToolDefinitions, toolDefinition } from "./catalog.js";
import { validateToolArgs } from "./validate-args.js";

describe("tool catalog", () => {
  it("offers every built-in tool of SPEC §9 with a JSON schema of its parameters", () => {
    expect(BUILTIN_TOOLS).toEqual([
      "read_file",
      "write_file",
      "edit_file",
      "delete_file",
      "list_files",
      "stat_file",
      "find_files",
      "search_code",
      "run_command",
      "send_message",
      "spawn_agent",
    ]);
    const read = toolDefinition("read_file").input_schema;
    expect(read.type).toBe("object");
    expect(read.required).toEqual(["path"]);
    expect(Object.keys(read.properties as object)).toEqual([
      "path",
      "start_line",
      "end_line",
      "max_bytes",
    ]);
    expect(read.additionalProperties).toBe(false);
    expect(toolDefinition("run_command").input_schema.required).toEqual(["command"]);
    expect(toolDefinition("edit_file").input_schema.required).toEqual([
      "path",
      "old_text",
      "new_text",
    ]);
  });

  it("derives each definition once and serialises it to plain JSON", () => {
    expect(toolDefinition("write_file")).toBe(toolDefinition("write_file"));
    const all = builtinToolDefinitions();
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
    for (const d of all) expect(d.input_schema.$schema).toBeUndefined();
  });

  it("has a description for every tool that has an argument schema", () => {
    for (const name of Object.keys(TOOL_ARGS)) {
      expect(toolDefinition(name as keyof typeof TOOL_ARGS).description.length).toBeGreaterThan(10);
    }
  });
});

describe("validateToolArgs", () => {
  it("accepts well-formed arguments and returns them", () => {
    expect(validateToolArgs("read_file", { path: "a.txt", start_line: 2 })).toEqual({
      ok: true,
      args: { path: "a.txt", start_line: 2 },
    });
  });

  it("names the offending field of invalid arguments", () => {
    const check = validateToolArgs("read_file", { path: 3 });
    expect(check).toMatchObject({ ok: false, code: "invalid_arguments" });
    expect(check.ok === false && check.message).toMatch(/^path: /);
    const missing = validateToolArgs("edit_file", { path: "a", new_text: "" });
    expect(missing.ok === false && missing.message).toMatch(/^old_text: /);
  });

  it("refuses unknown fields and out-of-range values", () => {
    expect(validateToolArgs("run_command", { command: "ls", shell: "bash" }).ok).toBe(false);
    const long = validateToolArgs("run_command", { command: "ls", timeout_secs: 301 });
    expect(long.ok === false && long.message).toMatch(/^timeout_secs: /);
    expect(validateToolArgs("send_message", { agent_id: "nope", content: "x" }).ok).toBe(false);
  });

  it("calls a name outside the catalog an unknown tool", () => {
    expect(validateToolArgs("format_disk", {})).toMatchObject({ ok: false, code: "unknown_tool" });
    expect(validateToolArgs("toString", {})).toMatchObject({ ok: false, code: "unknown_tool" });
  });
});
