import { z } from "zod";
import { AutomatonId, AutomatonStatus } from "./automatons.js";

/**
 * Every event on `/stream/automaton/:id` names its automaton and the `seq` of the record entry
 * it comes from (a live `text_delta` carries the seq of the `automaton_tick` entry of the tick
 * it belongs to; an `error` answering a bad client frame carries `0`).
 */
const Base = { automaton_id: AutomatonId, seq: z.number().int().nonnegative() };

/** A task event: recorded by a built-in that works through a project's tasks. */
const TaskFields = {
  ...Base,
  task_id: z.string().min(1),
  title: z.string().optional(),
  reason: z.string().optional(),
};

/**
 * How a dev loop ended, with the tasks it finished and gave up on.
 *
 * @example
 * LoopFinishedFields.parse({ outcome: "all_tasks_complete", completed_count: 4, failed_count: 0 });
 */
export const LoopFinishedFields = z.object({
  outcome: z.string().min(1),
  completed_count: z.number().int().nonnegative(),
  failed_count: z.number().int().nonnegative(),
});

/**
 * One event sent to an automaton's watchers (SPEC §10), a discriminated union on `type`.
 *
 * @example
 * AutomatonStreamEvent.parse({ type: "started", automaton_id: id, seq: 3 });
 */
export const AutomatonStreamEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("started"), ...Base }),
  z.object({ type: z.literal("paused"), ...Base }),
  z.object({ type: z.literal("resumed"), ...Base }),
  z.object({ type: z.literal("stopped"), ...Base, reason: z.string() }),
  z.object({ type: z.literal("error"), ...Base, message: z.string() }),
  z.object({ type: z.literal("done"), ...Base, status: AutomatonStatus }),
  z.object({ type: z.literal("text_delta"), ...Base, text: z.string() }),
  z.object({ type: z.literal("tool_use_start"), ...Base, id: z.string(), name: z.string() }),
  z.object({
    type: z.literal("tool_result"),
    ...Base,
    tool_use_id: z.string(),
    name: z.string(),
    result: z.string(),
    is_error: z.boolean(),
  }),
  z.object({ type: z.literal("task_started"), ...TaskFields }),
  z.object({ type: z.literal("task_completed"), ...TaskFields }),
  z.object({ type: z.literal("task_failed"), ...TaskFields }),
  z.object({ type: z.literal("loop_finished"), ...Base, ...LoopFinishedFields.shape }),
]);
export type AutomatonStreamEvent = z.infer<typeof AutomatonStreamEvent>;

/**
 * The query of `GET /stream/automaton/:id` (besides `token`): `after_seq` replays the events
 * after it as soon as the socket opens, before any live event.
 *
 * @example
 * `/stream/automaton/${id}?after_seq=0`; // the whole story so far, then live
 */
export const AutomatonStreamQuery = z.object({
  after_seq: z
    .string()
    .regex(/^[0-9]{1,15}$/, "after_seq must be a non-negative integer")
    .optional(),
});

/**
 * The one frame a watcher sends: replay every event after `after_seq`, then go live.
 *
 * @example
 * ws.send(JSON.stringify({ type: "resume", after_seq: lastSeenSeq }));
 */
export const AutomatonResumeFrame = z.strictObject({
  type: z.literal("resume"),
  after_seq: z.number().int().nonnegative(),
});
export type AutomatonResumeFrame = z.infer<typeof AutomatonResumeFrame>;

/**
 * What a built-in may put in its `automaton_tick_done.detail` so the tick's task work reaches
 * watchers: `task_events` in the order they happened, and `loop_finished` when the loop ended.
 *
 * @example
 * const detail: TickProgress = {
 *   task_events: [{ type: "task_started", task_id: "t1" }, { type: "task_completed", task_id: "t1" }],
 * };
 */
export const TickProgress = z.object({
  task_events: z
    .array(
      z.object({
        type: z.enum(["task_started", "task_completed", "task_failed"]),
        task_id: z.string().min(1),
        title: z.string().optional(),
        reason: z.string().optional(),
      }),
    )
    .optional(),
  loop_finished: LoopFinishedFields.optional(),
});
export type TickProgress = z.infer<typeof TickProgress>;
