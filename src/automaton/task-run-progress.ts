import type { RecordedToolCall } from "../agent/recorded-tool-calls.js";
import type { Spec, Task } from "../protocol/projects.js";
import { findStubs, type WrittenText } from "./stub-check.js";

/**
 * Tools that change the workspace and so wait for `submit_plan`. `run_command` is one: a
 * shell can write any file, and exploring needs no shell (`read_file`, `list_files`,
 * `search_code`, `find_files` and `stat_file` stay open before the plan).
 */
export const PLAN_GATED_TOOLS: ReadonlySet<string> = new Set([
  "write_file",
  "edit_file",
  "delete_file",
  "run_command",
]);

/** One tool call of a task's turn as far as its rules care: what ran, with what outcome. */
export interface ObservedCall {
  tool: string;
  args: Record<string, unknown>;
  ok: boolean;
  /** Paths the call changed in the workspace, as the sandbox reported them. */
  changed: readonly string[];
}

/**
 * What a task-run turn did so far, folded from its tool calls (the recorded ones, then each
 * new one as it is dispatched): whether a plan was accepted, which files changed and the text
 * written. It decides the engine's rules, so the same record always gives the same answers.
 *
 * @example
 * const progress = new TaskRunProgress();
 * progress.observe({ tool: "submit_plan", args: { plan: "…" }, ok: true, changed: [] });
 * progress.writeRefusal("write_file"); // undefined: the plan is in
 */
export class TaskRunProgress {
  planned = false;
  done = false;
  readonly changed = new Set<string>();
  /**
   * What the turn wrote, by path: a file's whole content after `write_file` (kept current
   * through later edits), or else the new text of each edit.
   */
  readonly #written = new Map<string, { whole: boolean; texts: string[] }>();

  /** Folds one call that ran (a refused or failed call changes nothing but is harmless). */
  observe(call: ObservedCall): void {
    if (!call.ok) return;
    if (call.tool === "submit_plan") this.planned = true;
    if (call.tool === "task_done") this.done = true;
    for (const path of call.changed) this.changed.add(path);
    const { args } = call;
    const path = typeof args.path === "string" ? args.path : "";
    if (call.tool === "write_file" && typeof args.content === "string") {
      this.#written.set(path, { whole: true, texts: [args.content] });
    }
    if (call.tool === "delete_file") this.#written.delete(path);
    if (call.tool === "edit_file" && typeof args.new_text === "string") {
      this.#edited(path, String(args.old_text ?? ""), args.new_text, args.replace_all === true);
    }
  }

  /** The text the turn wrote that is still there, one item per file (or per edit). */
  written(): WrittenText[] {
    return [...this.#written].flatMap(([path, { texts }]) => texts.map((text) => ({ path, text })));
  }

  /** Applies an edit to a file's known content; of an unknown file, keeps the new text. */
  #edited(path: string, oldText: string, newText: string, all: boolean): void {
    const known = this.#written.get(path);
    const whole = known?.whole === true ? known.texts[0] : undefined;
    if (whole !== undefined && oldText !== "" && whole.includes(oldText)) {
      const next = all ? whole.split(oldText).join(newText) : whole.replace(oldText, () => newText);
      this.#written.set(path, { whole: true, texts: [next] });
      return;
    }
    const texts = known?.whole === false ? known.texts : [];
    this.#written.set(path, { whole: false, texts: [...texts, newText] });
  }

  /** Why `tool` may not run yet, or undefined when it may. */
  writeRefusal(tool: string): string | undefined {
    if (this.planned || !PLAN_GATED_TOOLS.has(tool)) return undefined;
    return `${tool} is refused until your plan is recorded: call submit_plan {plan} first (read-only tools are open meanwhile)`;
  }

  /** Why `task_done` is refused now, or undefined when it is accepted. */
  doneRefusal(args: { no_changes_needed?: boolean | undefined }): string | undefined {
    if (!this.planned) return "call submit_plan {plan} before task_done";
    if (this.changed.size === 0 && args.no_changes_needed !== true) {
      return "the task changed no file: make the change, or call task_done with no_changes_needed: true if the workspace already does what the task asks";
    }
    const stubs = findStubs(this.written());
    if (stubs.length > 0) {
      return `the change still has stubs — finish them before task_done: ${stubs.join("; ")}`;
    }
    return undefined;
  }
}

/**
 * Folds a turn's recorded tool calls into its progress (calls without an outcome are left
 * for their dispatch to report).
 *
 * @example
 * const progress = progressOf(recordedToolCalls(turnEntries));
 */
export function progressOf(calls: readonly RecordedToolCall[]): TaskRunProgress {
  const progress = new TaskRunProgress();
  for (const { proposal, execution } of calls) {
    if (!execution) continue;
    progress.observe({
      tool: proposal.tool,
      args: (proposal.args ?? {}) as Record<string, unknown>,
      ok: execution.result?.ok === true && !execution.is_error,
      changed: changedPaths(execution.files_changed),
    });
  }
  return progress;
}

/**
 * Every path a `files_changed` report names.
 *
 * @example
 * changedPaths({ created: ["a.ts"], deleted: ["b.ts"] }); // ["a.ts", "b.ts"]
 */
export function changedPaths(
  files: { created?: string[]; modified?: string[]; deleted?: string[] } | undefined,
): string[] {
  if (!files) return [];
  return [...(files.created ?? []), ...(files.modified ?? []), ...(files.deleted ?? [])];
}

/**
 * The prompt of a task's turn: the task's title, description and notes, its spec, and what
 * the engine expects (plan, change, `task_done`).
 *
 * @example
 * taskPrompt(task, spec); // "# Task: add the parser\n…"
 */
export function taskPrompt(task: Task, spec: Spec | undefined): string {
  const parts = [`# Task: ${task.title}`, "", task.description || "(no description)"];
  if (task.notes) parts.push("", "## Notes from earlier attempts", task.notes);
  if (spec) parts.push("", `## Spec: ${spec.title}`, spec.markdown_contents);
  parts.push(
    "",
    "## How to work",
    "You carry out this one task in the project's workspace. Call get_task_context for the task, its spec and its dependencies' notes; look around with the read-only tools; then call submit_plan {plan} — file changes are refused before it. Make the change completely (no TODOs, stubs or empty bodies), then call task_done {summary}. If the workspace already does what the task asks, call task_done with no_changes_needed: true.",
  );
  return parts.join("\n");
}
