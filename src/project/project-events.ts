import type {
  CreateProjectRequest,
  CreateSpecRequest,
  CreateTaskRequest,
  Project,
  Spec,
  Task,
  TaskStatus,
  TransitionTaskRequest,
  UpdateProjectRequest,
  UpdateSpecRequest,
  UpdateTaskRequest,
} from "../protocol/projects.js";

/**
 * What a caller asks of a project. Ids of new items and the time (`now`, ms) come in with the
 * command: the decider reads no clock and draws no random number.
 */
export type ProjectCommand =
  | { type: "create_project"; now: number; project_id: string; fields: CreateProjectRequest }
  | { type: "update_project"; now: number; patch: UpdateProjectRequest }
  | { type: "delete_project"; now: number }
  /**
   * Names the project's dev loop. `replaces` is the loop the caller saw (null for none): a
   * claim made meanwhile by someone else refuses this one, so two starts never both win.
   */
  | { type: "claim_dev_loop"; now: number; automaton_id: string; replaces: string | null }
  | { type: "create_spec"; now: number; spec_id: string; fields: CreateSpecRequest }
  | { type: "update_spec"; now: number; spec_id: string; patch: UpdateSpecRequest }
  | { type: "delete_spec"; now: number; spec_id: string }
  | { type: "create_task"; now: number; task_id: string; fields: CreateTaskRequest }
  | { type: "update_task"; now: number; task_id: string; patch: UpdateTaskRequest }
  | { type: "delete_task"; now: number; task_id: string }
  | ({ type: "transition_task"; now: number; task_id: string } & TransitionTaskRequest);

/** Why a task's status changed: asked for, or followed from its dependencies. */
export type TransitionCause = "requested" | "dependencies";

/**
 * What happened to a project: the facts its record holds. Saved items carry the whole item,
 * so folding the events needs nothing else.
 */
export type ProjectEvent =
  | { type: "project_saved"; project: Project }
  | { type: "project_deleted"; at: number }
  | { type: "spec_saved"; spec: Spec }
  | { type: "spec_deleted"; spec_id: string }
  | { type: "task_saved"; task: Task }
  | { type: "task_deleted"; task_id: string }
  | {
      type: "task_transitioned";
      task_id: string;
      from: TaskStatus;
      to: TaskStatus;
      cause: TransitionCause;
      attempts: number;
      at: number;
    };

/** A project's whole state, as its events fold it (see `evolve`). */
export interface ProjectState {
  readonly project: Project | undefined;
  readonly deleted: boolean;
  readonly specs: ReadonlyMap<string, Spec>;
  readonly tasks: ReadonlyMap<string, Task>;
}

/**
 * The state before the first event.
 *
 * @example
 * initialState().project; // undefined
 */
export function initialState(): ProjectState {
  return { project: undefined, deleted: false, specs: new Map(), tasks: new Map() };
}

/**
 * Folds one event into the state (pure; the state given is not changed).
 *
 * @example
 * const state = [created, specSaved].reduce(evolve, initialState());
 */
export function evolve(state: ProjectState, event: ProjectEvent): ProjectState {
  switch (event.type) {
    case "project_saved":
      return { ...state, project: event.project };
    case "project_deleted":
      return { ...state, deleted: true };
    case "spec_saved":
      return { ...state, specs: withItem(state.specs, event.spec.id, event.spec) };
    case "spec_deleted":
      return { ...state, specs: withItem(state.specs, event.spec_id, undefined) };
    case "task_saved":
      return { ...state, tasks: withItem(state.tasks, event.task.id, event.task) };
    case "task_deleted":
      return { ...state, tasks: withItem(state.tasks, event.task_id, undefined) };
    case "task_transitioned": {
      const task = state.tasks.get(event.task_id);
      if (!task) return state;
      const moved = { ...task, status: event.to, attempts: event.attempts, updated_at: event.at };
      return { ...state, tasks: withItem(state.tasks, task.id, moved) };
    }
  }
}

function withItem<T>(map: ReadonlyMap<string, T>, id: string, item: T | undefined): Map<string, T> {
  const next = new Map(map);
  if (item === undefined) next.delete(id);
  else next.set(id, item);
  return next;
}

/** The ids of the specs and tasks a list of events touched, and whether the project row did. */
export function touchedBy(events: readonly ProjectEvent[]): {
  project: boolean;
  specs: Set<string>;
  tasks: Set<string>;
} {
  const out = { project: false, specs: new Set<string>(), tasks: new Set<string>() };
  for (const event of events) {
    if (event.type === "project_saved" || event.type === "project_deleted") out.project = true;
    else if (event.type === "spec_saved") out.specs.add(event.spec.id);
    else if (event.type === "spec_deleted") out.specs.add(event.spec_id);
    else if (event.type === "task_saved") out.tasks.add(event.task.id);
    else out.tasks.add(event.task_id);
  }
  return out;
}

/**
 * One past the highest `order` of the items, or 0 for none.
 *
 * @example
 * nextOrder([{ order: 0 }, { order: 4 }]); // 5
 */
export function nextOrder(items: Iterable<{ order: number }>): number {
  let max = -1;
  for (const item of items) max = Math.max(max, item.order);
  return max + 1;
}
