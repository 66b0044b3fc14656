import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import type { AutomatonView } from "../../../src/protocol/automatons.js";
import type { Task } from "../../../src/protocol/projects.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { ProjectAutomatons } from "./project-automatons.js";
import { SpecList } from "./spec-list.js";
import { TaskCard } from "./task-card.js";

/** The components only call the API on a click; rendering to HTML needs none. */
const api = {} as ProjectsApi;
const noop = () => undefined;
const P = "b".repeat(64);

const task: Task = {
  id: "c".repeat(32),
  title: "Write the parser",
  description: "tokens first",
  status: "done",
  dependency_ids: [],
  order: 1,
  attempts: 2,
  notes: "",
  created_at: 1,
  updated_at: 1,
};

describe("a task card", () => {
  it("is named by its task and offers Edit, Run task, Delete and a move to each other status", () => {
    const html = render(<TaskCard api={api} projectId={P} task={task} onChanged={noop} />);
    expect(html).toContain('aria-label="Task Write the parser"');
    expect(html).toContain("2 attempts");
    for (const label of ["Edit", "Run task", "Delete", "Move"]) {
      expect(html).toContain(`>${label}</button>`);
    }
    expect(html).toMatch(/<label>Move to<select/);
    expect(html).toContain('<option value="ready"');
    expect(html).not.toContain('<option value="done"');
  });
});

describe("a project's automatons and specs", () => {
  it("say so when there are none", () => {
    const automatons = render(
      <ProjectAutomatons api={api} projectId={P} automatons={[]} onChanged={noop} />,
    );
    expect(automatons).toContain("No automatons have worked on this project.");
    expect(automatons).toMatch(/<label>Requirements file<input/);
    expect(automatons).toContain(">Generate specs</button>");
    expect(render(<SpecList projectId={P} specs={[]} />)).toContain("No specs yet.");
  });

  it("list each automaton with its kind, status and a link to its live view", () => {
    const view: AutomatonView = {
      automaton_id: `${"a".repeat(64)}${"1".repeat(16)}`,
      agent_id: "a".repeat(64),
      kind: "task-run",
      schedule: { type: "on_demand" },
      status: "paused",
      ticks: 3,
      installed_seq: 1,
    };
    const html = render(
      <ProjectAutomatons api={api} projectId={P} automatons={[view]} onChanged={noop} />,
    );
    expect(html).toContain(`href="#/automatons/${view.automaton_id}"`);
    expect(html).toContain("Live view of Task run aaaaaaaa…1111");
    expect(html).toContain('aria-label="Resume Task run aaaaaaaa…1111"');
    expect(html).toContain('aria-label="Stop Task run aaaaaaaa…1111"');
    expect(html).toContain("3 ticks");
  });
});
