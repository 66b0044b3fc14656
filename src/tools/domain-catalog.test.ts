import { describe, expect, it } from "vitest";
import { DOMAIN_READ_TOOLS, DOMAIN_WRITE_TOOLS } from "../protocol/domain-tool-args.js";
import { DOMAIN_TOOLS, domainToolDefinition, domainToolDefinitions } from "./domain-catalog.js";
import { validateToolArgs } from "./validate-args.js";

describe("the domain tool catalog", () => {
  it("offers the project, spec, task and dev-loop tools", () => {
    expect(DOMAIN_TOOLS).toEqual([
      "get_project",
      "update_project",
      "list_specs",
      "get_spec",
      "create_spec",
      "update_spec",
      "delete_spec",
      "list_tasks",
      "create_task",
      "update_task",
      "delete_task",
      "transition_task",
      "start_dev_loop",
      "pause_dev_loop",
      "stop_dev_loop",
    ]);
    expect([...DOMAIN_READ_TOOLS, ...DOMAIN_WRITE_TOOLS].sort()).toEqual([...DOMAIN_TOOLS].sort());
  });

  it("tells the model only the fields it must give: defaults and project_id are optional", () => {
    const task = domainToolDefinition("create_task").input_schema;
    expect(task.required).toEqual(["title"]);
    expect(Object.keys(task.properties ?? {})).toContain("project_id");
    const transition = domainToolDefinition("transition_task").input_schema.required;
    expect(transition).toEqual(expect.arrayContaining(["status", "task_id"]));
    expect(transition).toHaveLength(2);
    for (const definition of domainToolDefinitions()) {
      expect(definition.description.length).toBeGreaterThan(10);
      expect(definition.input_schema.additionalProperties).toBe(false);
    }
  });

  it("validates a domain call with the projects' own schemas, naming the bad field", () => {
    expect(validateToolArgs("create_task", { title: "" })).toMatchObject({
      ok: false,
      code: "invalid_arguments",
      message: expect.stringMatching(/^title: /),
    });
    expect(
      validateToolArgs("transition_task", { task_id: "f".repeat(32), status: "gone" }),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/^status: /) });
    expect(validateToolArgs("list_specs", { project_id: "nope" })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^project_id: /),
    });
    expect(validateToolArgs("create_spec", { title: "s" })).toEqual({
      ok: true,
      args: { title: "s", markdown_contents: "" },
    });
  });
});
