import type { AutomatonKind, AutomatonView, Schedule } from "../../../src/protocol/automatons.js";

/** How each built-in is named on the pages. */
export const KIND_LABEL: Record<AutomatonKind, string> = {
  chat: "Chat",
  "task-run": "Task run",
  "dev-loop": "Dev loop",
  "spec-gen": "Spec generation",
};

/** One row of the automatons list: the automaton and the project it works on, if any. */
export interface AutomatonRow {
  view: AutomatonView;
  project?: { id: string; name: string };
}

/** Statuses that still accept a command, listed first. */
const ACTIVE = new Set(["installing", "running", "paused"]);

/**
 * The list's rows: each automaton with its project — the `project_id` of the agent that runs
 * it (`agentProjects`, from `GET /agents`), named from `projectNames` (its id when the project
 * is not listed) — the ones still active first, then in the order given.
 *
 * @example
 * automatonRows(views, new Map([[view.agent_id, projectId]]), new Map([[projectId, "shop"]]));
 */
export function automatonRows(
  views: readonly AutomatonView[],
  agentProjects: ReadonlyMap<string, string>,
  projectNames: ReadonlyMap<string, string>,
): AutomatonRow[] {
  const rows = views.map((view): AutomatonRow => {
    const id = agentProjects.get(view.agent_id);
    if (id === undefined) return { view };
    return { view, project: { id, name: projectNames.get(id) ?? id.slice(0, 12) } };
  });
  const rank = (row: AutomatonRow) => (ACTIVE.has(row.view.status) ? 0 : 1);
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => rank(a.row) - rank(b.row) || a.index - b.index)
    .map(({ row }) => row);
}

/**
 * A project's automatons: those whose agent works on it, and its dev loop (the project names
 * it) — active ones first.
 *
 * @example
 * projectAutomatons(views, agentProjects, project.id, project.dev_loop_automaton_id);
 */
export function projectAutomatons(
  views: readonly AutomatonView[],
  agentProjects: ReadonlyMap<string, string>,
  projectId: string,
  devLoopId?: string,
): AutomatonView[] {
  const mine = views.filter(
    (v) => agentProjects.get(v.agent_id) === projectId || v.automaton_id === devLoopId,
  );
  return automatonRows(mine, new Map(), new Map()).map((row) => row.view);
}

/**
 * An automaton id short enough for a list (its agent's part is 64 hex of the 80).
 *
 * @example
 * shortAutomatonId("ab".repeat(40)); // "abababab…abab"
 */
export function shortAutomatonId(id: string): string {
  return `${id.slice(0, 8)}…${id.slice(-4)}`;
}

/**
 * A schedule in words.
 *
 * @example
 * scheduleText({ type: "interval", seconds: 60 }); // "every 60 s"
 */
export function scheduleText(schedule: Schedule): string {
  switch (schedule.type) {
    case "interval":
      return `every ${schedule.seconds} s`;
    case "cron":
      return `cron ${schedule.expression}${schedule.timezone ? ` (${schedule.timezone})` : ""}`;
    case "event_driven":
      return "tx_type" in schedule.event_filter
        ? `on ${schedule.event_filter.tx_type}`
        : `when a task of project ${schedule.event_filter.project_id} becomes ready`;
    case "on_demand":
      return "on demand";
    default:
      return "continuous";
  }
}
