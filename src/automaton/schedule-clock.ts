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
 * Where an automaton's schedule counts from when it starts (or resumes) running at
 * `startMs`. An `interval` schedule is put on a grid of its period whose phase comes from the
 * agent's id (the first 8 hex of the automaton id): the first grid point at or after
 * `startMs`, so the first tick comes no sooner than one period after the start (and within
 * two). All interval automatons of one agent with the same period then share their slots —
 * one wake-up, one alarm and one storage commit a slot instead of one each — while different
 * agents stay spread over the period. Other schedules count from `startMs`.
 *
 * @example
 * intervalAnchorMs({ type: "interval", seconds: 1 }, "0000012c…", 10_250); // 10_300 (phase 300)
 */
export function intervalAnchorMs(schedule: Schedule, automatonId: string, startMs: number): number {
  if (schedule.type !== "interval") return startMs;
  const period = schedule.seconds * 1000;
  const phase = Number.parseInt(automatonId.slice(0, 8), 16) % period;
  return startMs + ((((phase - startMs) % period) + period) % period);
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
