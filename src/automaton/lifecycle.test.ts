import { describe, expect, it } from "vitest";
import { allowedCommands, decideLifecycle, isFinal } from "./lifecycle.js";

describe("automaton lifecycle", () => {
  it("starts an installing automaton into running", () => {
    expect(decideLifecycle("installing", "start")).toEqual({
      ok: true,
      from: "installing",
      to: "running",
    });
  });

  it("moves running to paused and back, keeping the reason given", () => {
    expect(decideLifecycle("running", "pause", "maintenance")).toEqual({
      ok: true,
      from: "running",
      to: "paused",
      reason: "maintenance",
    });
    expect(decideLifecycle("paused", "resume")).toMatchObject({ ok: true, to: "running" });
  });

  it("stops, fails or completes from the statuses that allow it", () => {
    expect(decideLifecycle("paused", "stop")).toMatchObject({ ok: true, to: "stopped" });
    expect(decideLifecycle("running", "fail")).toMatchObject({ ok: true, to: "failed" });
    expect(decideLifecycle("running", "complete")).toMatchObject({ ok: true, to: "completed" });
  });

  it("refuses an invalid transition as a conflict naming the allowed commands", () => {
    const refused = decideLifecycle("paused", "pause");
    expect(refused).toMatchObject({ ok: false, code: "conflict" });
    if (refused.ok) throw new Error("expected a refusal");
    expect(refused.message).toContain("allowed: resume, stop, fail");
    expect(refused.details).toEqual({
      status: "paused",
      command: "pause",
      allowed: ["resume", "stop", "fail"],
    });
  });

  it("allows nothing from a final status", () => {
    for (const status of ["stopped", "failed", "completed"] as const) {
      expect(isFinal(status)).toBe(true);
      expect(allowedCommands(status)).toEqual([]);
      const refused = decideLifecycle(status, "resume");
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.message).toContain("none (it is final)");
    }
    expect(isFinal("running")).toBe(false);
  });
});
