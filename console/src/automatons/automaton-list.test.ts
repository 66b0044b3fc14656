import { describe, expect, it } from "vitest";
import type { AutomatonView } from "../../../src/protocol/automatons.js";
import { ApiError } from "../api/api-error.js";
import { errorText } from "../projects/error-text.js";
import {
  automatonRows,
  projectAutomatons,
  scheduleText,
  shortAutomatonId,
} from "./automaton-list.js";
import { automatonHref, parseAutomatonRoute } from "./automaton-route.js";

const agent = (c: string) => c.repeat(64);
const view = (
  c: string,
  kind: AutomatonView["kind"],
  status: AutomatonView["status"],
): AutomatonView => ({
  automaton_id: `${agent(c)}${"0".repeat(16)}`,
  agent_id: agent(c),
  kind,
  schedule: { type: "on_demand" },
  status,
  ticks: 0,
  installed_seq: 1,
});
const P = "e".repeat(64);
const Q = "f".repeat(64);

describe("the automatons list", () => {
  it("names each automaton's project from the agent that runs it", () => {
    const rows = automatonRows(
      [view("a", "task-run", "running"), view("b", "chat", "running")],
      new Map([[agent("a"), P]]),
      new Map([[P, "shop"]]),
    );
    expect(rows.map((r) => r.project)).toEqual([{ id: P, name: "shop" }, undefined]);
  });

  it("names a project it cannot find by the start of its id", () => {
    const [row] = automatonRows(
      [view("a", "spec-gen", "running")],
      new Map([[agent("a"), P]]),
      new Map(),
    );
    expect(row?.project).toEqual({ id: P, name: P.slice(0, 12) });
  });

  it("lists the automatons still active before the finished ones, else in the order given", () => {
    const rows = automatonRows(
      [
        view("a", "dev-loop", "completed"),
        view("b", "task-run", "paused"),
        view("c", "chat", "failed"),
        view("d", "spec-gen", "running"),
      ],
      new Map(),
      new Map(),
    );
    expect(rows.map((r) => r.view.agent_id[0])).toEqual(["b", "d", "a", "c"]);
  });

  it("gives a project the automatons of its agents and the dev loop it names", () => {
    const loop = view("c", "dev-loop", "stopped");
    const mine = projectAutomatons(
      [view("a", "task-run", "completed"), view("b", "spec-gen", "running"), loop],
      new Map([
        [agent("a"), P],
        [agent("b"), Q],
      ]),
      P,
      loop.automaton_id,
    );
    expect(mine.map((v) => v.kind)).toEqual(["task-run", "dev-loop"]);
  });

  it("shortens an id to its first eight and last four characters", () => {
    expect(shortAutomatonId(`${"1".repeat(76)}abcd`)).toBe("11111111…abcd");
  });
});

describe("the automaton routes", () => {
  it("reads the list and one automaton, and leaves other fragments to other routers", () => {
    const id = "a".repeat(80);
    expect(parseAutomatonRoute("#/automatons")).toEqual({ page: "automatons" });
    expect(parseAutomatonRoute(`#/automatons/${id}`)).toEqual({
      page: "automaton",
      automatonId: id,
    });
    expect(parseAutomatonRoute(`#/automatons/${"a".repeat(64)}`)).toBeUndefined();
    expect(parseAutomatonRoute("#/projects")).toBeUndefined();
    expect(automatonHref({ page: "automaton", automatonId: id })).toBe(`#/automatons/${id}`);
  });
});

describe("an error said to a person", () => {
  it("is the server's message with its stable code", () => {
    const err = new ApiError(409, "conflict", "task 1 cannot go from done to ready: allowed none");
    expect(errorText(err)).toBe("task 1 cannot go from done to ready: allowed none (conflict)");
  });

  it("is the message alone when no answer came", () => {
    expect(errorText(new ApiError(0, "network", "cannot reach the server"))).toBe(
      "cannot reach the server",
    );
  });
});

describe("scheduleText", () => {
  it("says each kind of schedule in words, both kinds of event filter included", () => {
    expect(scheduleText({ type: "interval", seconds: 60 })).toBe("every 60 s");
    expect(scheduleText({ type: "cron", expression: "0 * * * *", timezone: "UTC" })).toBe(
      "cron 0 * * * * (UTC)",
    );
    expect(scheduleText({ type: "on_demand" })).toBe("on demand");
    expect(scheduleText({ type: "continuous" })).toBe("continuous");
    expect(scheduleText({ type: "event_driven", event_filter: { tx_type: "agent_msg" } })).toBe(
      "on agent_msg",
    );
    expect(
      scheduleText({
        type: "event_driven",
        event_filter: { project_id: "p1", event: "task_ready" },
      }),
    ).toBe("when a task of project p1 becomes ready");
  });
});
