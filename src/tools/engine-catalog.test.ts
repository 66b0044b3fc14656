import { describe, expect, it } from "vitest";
import { engineToolDefinitions, isEngineTool, validateEngineArgs } from "./engine-catalog.js";

describe("engine catalog", () => {
  it("offers get_task_context, submit_plan and task_done with their required fields", () => {
    const defs = engineToolDefinitions();
    expect(defs.map((d) => d.name)).toEqual(["get_task_context", "submit_plan", "task_done"]);
    expect(defs[1]?.input_schema.required).toEqual(["plan"]);
    expect(defs[2]?.input_schema.required).toEqual(["summary"]);
  });

  it("names an engine tool and nothing else", () => {
    expect(isEngineTool("task_done")).toBe(true);
    expect(isEngineTool("write_file")).toBe(false);
    expect(isEngineTool("toString")).toBe(false);
  });

  it("refuses a plan that is missing, naming the field", () => {
    expect(validateEngineArgs("submit_plan", {})).toMatchObject({
      ok: false,
      code: "invalid_arguments",
      message: expect.stringMatching(/^plan: /),
    });
    expect(validateEngineArgs("task_done", { summary: "s", no_changes_needed: true })).toEqual({
      ok: true,
      args: { summary: "s", no_changes_needed: true },
    });
  });
});
