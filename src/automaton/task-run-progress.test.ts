import { describe, expect, it } from "vitest";
import type { Task } from "../protocol/projects.js";
import { changedPaths, progressOf, TaskRunProgress, taskPrompt } from "./task-run-progress.js";

const plan = { tool: "submit_plan", args: { plan: "p" }, ok: true, changed: [] };
const write = (content: string) => ({
  tool: "write_file",
  args: { path: "a.ts", content },
  ok: true,
  changed: ["a.ts"],
});

describe("TaskRunProgress", () => {
  it("refuses file writes and commands before a plan is recorded, and allows reads", () => {
    const progress = new TaskRunProgress();
    for (const tool of ["write_file", "edit_file", "delete_file", "run_command"]) {
      expect(progress.writeRefusal(tool)).toMatch(/submit_plan/);
    }
    expect(progress.writeRefusal("read_file")).toBeUndefined();
    progress.observe(plan);
    expect(progress.writeRefusal("write_file")).toBeUndefined();
  });

  it("does not count a failed submit_plan as a plan", () => {
    const progress = new TaskRunProgress();
    progress.observe({ ...plan, ok: false });
    expect(progress.planned).toBe(false);
  });

  it("refuses task_done before the plan, and when no file changed", () => {
    const progress = new TaskRunProgress();
    expect(progress.doneRefusal({})).toMatch(/submit_plan/);
    progress.observe(plan);
    expect(progress.doneRefusal({})).toMatch(/changed no file/);
  });

  it("accepts task_done without a change when it is marked no_changes_needed", () => {
    const progress = new TaskRunProgress();
    progress.observe(plan);
    expect(progress.doneRefusal({ no_changes_needed: true })).toBeUndefined();
  });

  it("refuses task_done when the written text holds a stub, naming the file", () => {
    const progress = new TaskRunProgress();
    progress.observe(plan);
    progress.observe(write("export const x = 1; // TODO"));
    expect(progress.doneRefusal({})).toMatch(/a\.ts: a TODO marker/);
  });

  it("judges a rewritten or edited file by its text now, not by what it held before", () => {
    const progress = new TaskRunProgress();
    progress.observe(plan);
    progress.observe(write("export const x = 1; // TODO"));
    const edit = { path: "a.ts", old_text: " // TODO", new_text: "" };
    progress.observe({ tool: "edit_file", args: edit, ok: true, changed: ["a.ts"] });
    expect(progress.doneRefusal({})).toBeUndefined();
    progress.observe({
      tool: "edit_file",
      args: { path: "b.ts", old_text: "x", new_text: "// TODO" },
      ok: true,
      changed: ["b.ts"],
    });
    expect(progress.doneRefusal({})).toMatch(/b\.ts: a TODO marker/);
    progress.observe({ tool: "delete_file", args: { path: "b.ts" }, ok: true, changed: ["b.ts"] });
    expect(progress.doneRefusal({})).toBeUndefined();
  });

  it("accepts task_done after a finished change", () => {
    const progress = new TaskRunProgress();
    progress.observe(plan);
    progress.observe(write("export const x = 1;\n"));
    expect(progress.doneRefusal({})).toBeUndefined();
    expect([...progress.changed]).toEqual(["a.ts"]);
  });
});

describe("progressOf", () => {
  it("folds a turn's recorded calls, skipping refused ones and calls with no outcome yet", () => {
    const result = (ok: boolean) => ({ tool: "t", ok, stdout: "", stderr: "", metadata: {} });
    const call = (tool: string, args: object, ok: boolean | undefined, files?: object) => ({
      proposal: { tool_use_id: tool, tool, args, decision: "approved" as const },
      proposal_tx: "h",
      ...(ok === undefined
        ? {}
        : {
            execution: {
              tool_use_id: tool,
              tool,
              args,
              decision: "approved" as const,
              result: result(ok),
              is_error: !ok,
              ...(files ? { files_changed: files } : {}),
            },
          }),
    });
    const progress = progressOf([
      call("submit_plan", { plan: "p" }, true),
      call("write_file", { path: "a.ts", content: "// TODO" }, false),
      call("write_file", { path: "b.ts", content: "ok" }, true, { created: ["b.ts"] }),
      call("write_file", { path: "c.ts", content: "// TODO" }, undefined),
    ] as never);
    expect(progress.planned).toBe(true);
    expect([...progress.changed]).toEqual(["b.ts"]);
    expect(progress.doneRefusal({})).toBeUndefined();
  });
});

describe("changedPaths and taskPrompt", () => {
  it("lists created, modified and deleted paths", () => {
    expect(changedPaths({ created: ["a"], modified: ["b"], deleted: ["c"] })).toEqual([
      "a",
      "b",
      "c",
    ]);
    expect(changedPaths(undefined)).toEqual([]);
  });

  it("puts the task's title, description and spec in the prompt", () => {
    const task = { title: "Add parser", description: "Parse CSV", notes: "" } as Task;
    const spec = { title: "Formats", markdown_contents: "CSV only" } as never;
    const text = taskPrompt(task, spec);
    expect(text).toContain("# Task: Add parser");
    expect(text).toContain("Parse CSV");
    expect(text).toContain("## Spec: Formats\nCSV only");
  });
});
