import { CronExpressionParser } from "cron-parser";
import type { Schedule } from "../protocol/automatons.js";

/**
 * Checks a cron expression (5 fields, or 6 with seconds first) and its timezone; returns
 * why it is refused, or undefined when it parses.
 *
 * @example
 * cronProblem("*\/5 * * * *"); // undefined
 * cronProblem("bad"); // "…cannot resolve alias…"
 */
export function cronProblem(expression: string, timezone?: string): string | undefined {
  try {
    const iterator = CronExpressionParser.parse(expression, {
      currentDate: new Date(0),
      tz: timezone ?? "UTC",
    });
    iterator.next();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function cronIterator(schedule: { expression: string; timezone?: string }, at: number) {
  return CronExpressionParser.parse(schedule.expression, {
    currentDate: new Date(at),
    tz: schedule.timezone ?? "UTC",
  });
}

/**
 * When the first tick after `anchorMs` is due for a time-driven schedule (`interval`,
 * `cron`), or undefined for schedules no clock drives (`continuous`, `on_demand`,
 * `event_driven`, which the runtime ticks on work, requests and events). `anchorMs` is the
 * recorded due time of the last tick, or the recorded time the automaton (re)started running.
 *
 * @example
 * nextDueMs({ type: "interval", seconds: 60 }, 1_000); // 61_000
 */
export function nextDueMs(schedule: Schedule, anchorMs: number): number | undefined {
  switch (schedule.type) {
    case "interval":
      return anchorMs + schedule.seconds * 1000;
    case "cron":
      return cronIterator(schedule, anchorMs).next().getTime();
    default:
      return undefined;
  }
}

/**
 * The due time a tick started at `nowMs` records, for a time-driven schedule whose next tick
 * after `anchorMs` is due by then: the latest scheduled time not after `nowMs`, so ticks
 * missed while the object slept collapse into this one instead of running back to back.
 * Undefined when no tick is due yet.
 *
 * @example
 * dueSlotMs({ type: "interval", seconds: 10 }, 0, 35_000); // 30_000
 * dueSlotMs({ type: "interval", seconds: 10 }, 0, 5_000); // undefined
 */
export function dueSlotMs(schedule: Schedule, anchorMs: number, nowMs: number): number | undefined {
  const next = nextDueMs(schedule, anchorMs);
  if (next === undefined || next > nowMs) return undefined;
  if (schedule.type === "interval") {
    const period = schedule.seconds * 1000;
    return anchorMs + Math.floor((nowMs - anchorMs) / period) * period;
  }
  if (schedule.type === "cron") {
    // The last occurrence not after now: one millisecond past it, stepped back once.
    return cronIterator(schedule, nowMs + 1)
      .prev()
      .getTime();
  }
  return undefined;
}
