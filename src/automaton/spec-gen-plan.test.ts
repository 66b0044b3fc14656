import { describe, expect, it } from "vitest";
import { decide } from "../project/decide.js";
import { evolve, initialState, type ProjectState } from "../project/project-events.js";
import type { Spec } from "../protocol/projects.js";
import { generatedSpecId, replacementPlan, type SpecStep } from "./spec-gen-plan.js";

const AUTOMATON = "a".repeat(80);
const NOW = 5_000;

function spec(n: number, fields: Partial<Spec> = {}): Spec {
  const id = n.toString(16).padStart(32, "0");
  return {
    id,
    title: `old ${n}`,
    markdown_contents: `# old ${n}`,
    order: n,
    created_at: n,
    updated_at: n,
    ...fields,
  };
}

const generated = (...titles: string[]) =>
  titles.map((title) => ({ title, markdown_contents: `# ${title}` }));

/** Applies steps the way ProjectDO does: a key seen before answers its first outcome. */
function apply(state: ProjectState, steps: SpecStep[], seen: Set<string>): ProjectState {
  let next = state;
  for (const { key, command } of steps) {
    if (seen.has(key)) continue;
    seen.add(key);
    const decision = decide(command, next);
    if (decision.ok) next = decision.events.reduce(evolve, next);
  }
  return next;
}

function stateOf(specs: Spec[], tasks: Array<{ id: string; spec_id?: string }> = []): ProjectState {
  let state = decideAll(initialState(), [
    {
      type: "create_project",
      now: 0,
      project_id: "p".repeat(64),
      fields: { name: "p", description: "" },
    },
  ]);
  state = { ...state, specs: new Map(specs.map((s) => [s.id, s])) };
  for (const t of tasks) {
    state = decideAll(state, [
      {
        type: "create_task",
        now: 1,
        task_id: t.id,
        fields: {
          title: t.id,
          description: "",
          dependency_ids: [],
          notes: "",
          ...(t.spec_id ? { spec_id: t.spec_id } : {}),
        },
      },
    ]);
  }
  return state;
}

function decideAll(state: ProjectState, commands: Parameters<typeof decide>[0][]): ProjectState {
  let next = state;
  for (const c of commands) {
    const d = decide(c, next);
    if (!d.ok) throw new Error(d.message);
    next = d.events.reduce(evolve, next);
  }
  return next;
}

const ordered = (state: ProjectState) =>
  [...state.specs.values()].sort((a, b) => a.order - b.order || a.created_at - b.created_at);

function plan(state: ProjectState, specs: ReturnType<typeof generated>) {
  return replacementPlan({
    automaton_id: AUTOMATON,
    current: ordered(state),
    tasks: [...state.tasks.values()],
    specs,
    now: NOW,
  });
}

describe("replacementPlan", () => {
  it("updates the old specs in place and creates the extra ones: the project holds exactly the new specs, in order", () => {
    const state = stateOf([spec(1), spec(2)]);
    const { steps, kept } = plan(state, generated("A", "B", "C"));
    expect(steps.map((s) => s.command.type)).toEqual(["update_spec", "update_spec", "create_spec"]);
    expect(kept).toEqual([]);
    const after = apply(state, steps, new Set());
    expect(ordered(after).map((s) => [s.title, s.markdown_contents])).toEqual([
      ["A", "# A"],
      ["B", "# B"],
      ["C", "# C"],
    ]);
    expect(after.specs.has(generatedSpecId(AUTOMATON, 2))).toBe(true);
    expect(plan(state, generated("A", "B", "C")).spec_ids).toEqual(ordered(after).map((s) => s.id));
  });

  it("deletes the surplus specs no task references", () => {
    const state = stateOf([spec(1), spec(2), spec(3)]);
    const { steps } = plan(state, generated("A"));
    expect(steps.map((s) => s.command.type)).toEqual(["update_spec", "delete_spec", "delete_spec"]);
    expect(ordered(apply(state, steps, new Set())).map((s) => s.title)).toEqual(["A"]);
  });

  it("writes into the specs tasks reference first, so their references name a current spec", () => {
    const task = "f".repeat(32);
    const state = stateOf([spec(1), spec(2)], [{ id: task, spec_id: spec(2).id }]);
    const { steps, kept } = plan(state, generated("A"));
    expect(kept).toEqual([]);
    const after = apply(state, steps, new Set());
    expect(ordered(after).map((s) => [s.id, s.title])).toEqual([[spec(2).id, "A"]]);
  });

  it("keeps a surplus spec tasks still reference, after the new ones, and says which tasks hold it", () => {
    const [t1, t2] = ["e".repeat(32), "f".repeat(32)];
    const state = stateOf(
      [spec(1), spec(2), spec(3)],
      [
        { id: t1, spec_id: spec(1).id },
        { id: t2, spec_id: spec(3).id },
      ],
    );
    const { steps, kept } = plan(state, generated("A"));
    expect(kept).toEqual([{ spec_id: spec(3).id, title: "old 3", task_ids: [t2] }]);
    const after = apply(state, steps, new Set());
    expect(ordered(after).map((s) => s.title)).toEqual(["A", "old 3"]);
  });

  it("plans the same keys and targets after a crash part-way, so nothing applies twice", () => {
    for (const [olds, titles] of [
      [
        [spec(1), spec(2)],
        ["A", "B", "C", "D"],
      ],
      [
        [spec(1), spec(2), spec(3), spec(4)],
        ["A", "B"],
      ],
      [
        [spec(5, { order: 0 }), spec(1, { order: 9 })],
        ["A", "B", "C"],
      ],
    ] as const) {
      const start = stateOf([...olds]);
      const specs = generated(...titles);
      const whole = plan(start, specs);
      const expected = ordered(apply(start, whole.steps, new Set()));
      for (let cut = 0; cut <= whole.steps.length; cut++) {
        const seen = new Set<string>();
        const part = apply(start, whole.steps.slice(0, cut), seen);
        const again = plan(part, specs);
        for (const step of again.steps) {
          const before = whole.steps.find((s) => s.key === step.key);
          if (before) expect(step.command).toEqual(before.command);
        }
        expect(ordered(apply(part, again.steps, seen))).toEqual(expected);
      }
    }
  });

  it("gives created specs ids derived from the automaton and the slot", () => {
    expect(generatedSpecId(AUTOMATON, 0)).toMatch(/^[0-9a-f]{32}$/);
    expect(generatedSpecId(AUTOMATON, 0)).toBe(generatedSpecId(AUTOMATON, 0));
    expect(generatedSpecId(AUTOMATON, 1)).not.toBe(generatedSpecId(AUTOMATON, 0));
    expect(generatedSpecId("b".repeat(80), 0)).not.toBe(generatedSpecId(AUTOMATON, 0));
  });
});
