import { describe, expect, it } from "vitest";
import { TaskStatus } from "../protocol/projects.js";
import { allowedTransitions, canTransition, TASK_TRANSITIONS } from "./task-status.js";

describe("task statuses", () => {
  it("lets done be final and failed or blocked be retried", () => {
    expect(allowedTransitions("done")).toEqual([]);
    expect(canTransition("failed", "ready")).toBe(true);
    expect(canTransition("blocked", "ready")).toBe(true);
    expect(canTransition("pending", "in_progress")).toBe(false);
  });

  it("never lists a status as a transition to itself", () => {
    for (const from of TaskStatus.options) expect(TASK_TRANSITIONS[from]).not.toContain(from);
  });
});
