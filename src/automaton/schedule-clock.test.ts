import { describe, expect, it } from "vitest";
import { cronProblem, dueSlotMs, intervalAnchorMs, nextDueMs } from "./schedule-clock.js";

const MIDNIGHT = Date.parse("2026-01-01T00:00:00Z");

describe("schedule clock", () => {
  it("puts an interval's next tick one period after its anchor", () => {
    expect(nextDueMs({ type: "interval", seconds: 60 }, MIDNIGHT)).toBe(MIDNIGHT + 60_000);
  });

  it("collapses missed interval ticks into the latest slot not after now", () => {
    const every10 = { type: "interval", seconds: 10 } as const;
    expect(dueSlotMs(every10, 0, 9_999)).toBeUndefined();
    expect(dueSlotMs(every10, 0, 10_000)).toBe(10_000);
    expect(dueSlotMs(every10, 0, 35_000)).toBe(30_000);
  });

  it("finds a cron expression's next occurrence in UTC", () => {
    const cron = { type: "cron", expression: "*/5 * * * *" } as const;
    expect(nextDueMs(cron, MIDNIGHT + 2 * 60_000)).toBe(MIDNIGHT + 5 * 60_000);
    expect(nextDueMs(cron, MIDNIGHT + 5 * 60_000)).toBe(MIDNIGHT + 10 * 60_000);
  });

  it("reads a cron expression in its timezone", () => {
    const nineInParis = {
      type: "cron",
      expression: "0 9 * * *",
      timezone: "Europe/Paris",
    } as const;
    expect(new Date(nextDueMs(nineInParis, MIDNIGHT) ?? 0).toISOString()).toBe(
      "2026-01-01T08:00:00.000Z",
    );
  });

  it("records the latest cron occurrence as a late tick's due time", () => {
    const cron = { type: "cron", expression: "*/5 * * * *" } as const;
    expect(dueSlotMs(cron, MIDNIGHT, MIDNIGHT + 4 * 60_000)).toBeUndefined();
    expect(dueSlotMs(cron, MIDNIGHT, MIDNIGHT + 5 * 60_000)).toBe(MIDNIGHT + 5 * 60_000);
    expect(dueSlotMs(cron, MIDNIGHT, MIDNIGHT + 17 * 60_000)).toBe(MIDNIGHT + 15 * 60_000);
  });

  it("gives no clock-driven due time to continuous, on-demand and event-driven schedules", () => {
    expect(nextDueMs({ type: "continuous" }, MIDNIGHT)).toBeUndefined();
    expect(nextDueMs({ type: "on_demand" }, MIDNIGHT)).toBeUndefined();
    expect(
      nextDueMs({ type: "event_driven", event_filter: { tx_type: "agent_msg" } }, MIDNIGHT),
    ).toBeUndefined();
  });

  it("names what is wrong with a bad cron expression or timezone", () => {
    expect(cronProblem("*/5 * * * *")).toBeUndefined();
    expect(cronProblem("* * * * * *")).toBeUndefined();
    expect(cronProblem("bad")).toBeTypeOf("string");
    expect(cronProblem("61 * * * *")).toBeTypeOf("string");
    expect(cronProblem("* * * * *", "Mars/Olympus")).toBeTypeOf("string");
  });

  it("puts an agent's interval automatons on one grid, whatever time each started", () => {
    const second = { type: "interval", seconds: 1 } as const;
    const agent = "0000012c".padEnd(64, "f"); // phase 300 ms of a 1 s period
    const a = intervalAnchorMs(second, `${agent}${"1".repeat(16)}`, 10_250);
    const b = intervalAnchorMs(second, `${agent}${"2".repeat(16)}`, 10_900);
    expect([a, b]).toEqual([10_300, 11_300]);
    // Their slots coincide: one wake-up serves both.
    expect(nextDueMs(second, a)).toBe(11_300);
    expect(dueSlotMs(second, b, 12_350)).toBe(12_300);
    expect(dueSlotMs(second, a, 12_350)).toBe(12_300);
    // The first tick comes one to two periods after the start, never sooner.
    for (const start of [0, 299, 300, 301, 12_345]) {
      const first = nextDueMs(second, intervalAnchorMs(second, agent, start)) ?? 0;
      expect(first - start).toBeGreaterThanOrEqual(1000);
      expect(first - start).toBeLessThan(2000);
      expect((((first - 300) % 1000) + 1000) % 1000).toBe(0);
    }
    // Another agent's grid sits elsewhere; other schedules count from the start.
    expect(intervalAnchorMs(second, "000003e7".padEnd(80, "0"), 10_250)).toBe(10_999);
    expect(intervalAnchorMs({ type: "cron", expression: "* * * * *" }, agent, 10_250)).toBe(10_250);
  });
});
