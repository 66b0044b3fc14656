import { hashCanonical } from "../core/hash.js";
import type { ProjectCommand } from "../project/project-events.js";
import type { Spec, Task } from "../protocol/projects.js";
import type { GeneratedSpec } from "./spec-gen.js";

/** One change of the replacement, under the key that makes a repeat apply once. */
export interface SpecStep {
  key: string;
  command: ProjectCommand;
}

/** A spec the replacement could not delete: tasks still name it. */
export interface KeptSpec {
  spec_id: string;
  title: string;
  task_ids: string[];
}

/** How the project's specs become the generated ones. */
export interface ReplacementPlan {
  /** Updates and creates (one per generated spec, in its order), then deletes, then moves. */
  steps: SpecStep[];
  /** The spec each generated spec ends up in, in the answer's order. */
  spec_ids: string[];
  /** Surplus specs that tasks reference: kept, moved after the generated ones. */
  kept: KeptSpec[];
}

/** What the plan is made from: the project now, the answer, and the automaton's id. */
export interface ReplacementInput {
  automaton_id: string;
  current: readonly Spec[];
  tasks: readonly Pick<Task, "id" | "spec_id">[];
  specs: readonly GeneratedSpec[];
  now: number;
}

/**
 * The id the spec of `slot` gets when the replacement creates it: derived from the automaton,
 * so a resumed tick names the same spec (pure; no random number).
 *
 * @example
 * generatedSpecId(automatonId, 2); // 32 lowercase hex, the same every time
 */
export function generatedSpecId(automatonId: string, slot: number): string {
  return hashCanonical(["aura-spec-gen", automatonId, slot]).slice(0, 32);
}

/**
 * Plans replacing the project's specs with `specs`, so that — unless tasks hold on to more
 * specs than were generated — the project ends with exactly those, in their order:
 *
 * - Slot `i` (the i-th generated spec) is written into an existing spec, chosen among the
 *   specs tasks reference first (their references then name a current spec), then by
 *   creation; the update sets title, markdown and `order: i`. Slots left over are created with
 *   {@link generatedSpecId}.
 * - Surplus specs no task references are deleted; a referenced one is kept (a reference is
 *   never removed silently) and moved after the generated ones.
 *
 * **Resumable.** The choice reads only what the replacement never changes — references,
 * `created_at`, ids — and recognises the specs it created by their derived ids, so planning
 * again after some steps ran gives the same slot for every spec; each step's key
 * (`automaton:<id>:spec-gen:slot:<i>`, `…:delete:<spec>`, `…:keep:<spec>`) makes a step
 * already applied answer its first outcome and change nothing.
 *
 * @example
 * const { steps, spec_ids, kept } = replacementPlan({ automaton_id, current, tasks, specs, now });
 */
export function replacementPlan(input: ReplacementInput): ReplacementPlan {
  const { automaton_id: id, specs, now } = input;
  const prefix = `automaton:${id}:spec-gen`;
  const users = usersBySpec(input.tasks);
  const createdIds = new Map(specs.map((_, slot) => [generatedSpecId(id, slot), slot]));
  const ours = new Set<number>();
  const old: Spec[] = [];
  for (const spec of input.current) {
    const slot = createdIds.get(spec.id);
    if (slot === undefined) old.push(spec);
    else ours.add(slot);
  }
  old.sort(
    (a, b) =>
      Number(users.has(b.id)) - Number(users.has(a.id)) ||
      a.created_at - b.created_at ||
      a.id.localeCompare(b.id),
  );
  const steps: SpecStep[] = [];
  const specIds: string[] = [];
  let next = 0;
  specs.forEach((spec, slot) => {
    const key = `${prefix}:slot:${slot}`;
    const fields = { title: spec.title, markdown_contents: spec.markdown_contents, order: slot };
    // A spec this replacement created is planned as its create again: the key answers it.
    const target = ours.has(slot) ? undefined : old[next++];
    if (target) {
      steps.push({ key, command: { type: "update_spec", now, spec_id: target.id, patch: fields } });
      specIds.push(target.id);
    } else {
      const spec_id = generatedSpecId(id, slot);
      steps.push({ key, command: { type: "create_spec", now, spec_id, fields } });
      specIds.push(spec_id);
    }
  });
  const surplus = old.slice(next);
  const kept: KeptSpec[] = [];
  for (const spec of surplus) {
    const task_ids = users.get(spec.id);
    if (task_ids) kept.push({ spec_id: spec.id, title: spec.title, task_ids });
    else {
      const command = { type: "delete_spec" as const, now, spec_id: spec.id };
      steps.push({ key: `${prefix}:delete:${spec.id}`, command });
    }
  }
  kept.forEach((k, i) => {
    const patch = { order: specs.length + i };
    const command = { type: "update_spec" as const, now, spec_id: k.spec_id, patch };
    steps.push({ key: `${prefix}:keep:${k.spec_id}`, command });
  });
  return { steps, spec_ids: specIds, kept };
}

/** The tasks that name each spec, by spec id. */
function usersBySpec(tasks: ReplacementInput["tasks"]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const task of tasks) {
    if (task.spec_id === undefined) continue;
    users.set(task.spec_id, [...(users.get(task.spec_id) ?? []), task.id]);
  }
  return users;
}
