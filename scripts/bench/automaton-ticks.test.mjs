import { describe, expect, it } from "vitest";
import { completenessOf, dueTimesOf, latenessOf, timelinesOf } from "./automaton-ticks.mjs";

const ID = "a".repeat(80);
const START = 1_000_000;

/** A record page row holding one event of automaton `id`, recorded at `ts`. */
function row(ts, event, id = ID) {
  const payload = Buffer.from(JSON.stringify({ automaton_id: id, ...event })).toString("base64");
  return { seq: 0, tx: { tx_type: "system", payload, ts_ms: ts } };
}

/** Install and start a 1 s interval automaton at START, then the given rows. */
function record(...rows) {
  const schedule = { type: "interval", seconds: 1 };
  return [
    row(START, { type: "automaton_lifecycle", from: null, to: "installing", schedule }),
    row(START, { type: "automaton_lifecycle", from: "installing", to: "running" }),
    ...rows,
  ];
}

/** Tick `n` of the slot START + n s, begun `late` ms after it and done. */
function tick(n, late = 0, due = START + n * 1000) {
  return [
    row(due + late, { type: "automaton_tick", tick: n, due_ms: due }),
    row(due + late + 1, { type: "automaton_tick_done", tick: n, outcome: "idle" }),
  ];
}

function stoppedAt(ts) {
  return row(ts, { type: "automaton_lifecycle", from: "running", to: "stopped" });
}

function lineOf(rows) {
  const line = timelinesOf(rows).get(ID);
  if (!line) throw new Error("no timeline");
  return line;
}

describe("timelinesOf", () => {
  it("folds an automaton's schedule, start, stop and ticks with their outcomes", () => {
    const line = lineOf(record(...tick(1, 3), ...tick(2, 5), stoppedAt(START + 2500)));
    expect(line).toMatchObject({ periodMs: 1000, runningAtMs: START, stoppedAtMs: START + 2500 });
    expect(line.ticks).toEqual([
      { tick: 1, dueMs: START + 1000, atMs: START + 1003, outcome: "idle" },
      { tick: 2, dueMs: START + 2000, atMs: START + 2005, outcome: "idle" },
    ]);
  });

  it("skips entries that are not automaton events", () => {
    const other = { tx: { tx_type: "trigger", payload: "e30=", ts_ms: START } };
    const garbage = { tx: { tx_type: "system", payload: "not base64 json", ts_ms: START } };
    expect(timelinesOf([other, garbage]).size).toBe(0);
  });
});

describe("completenessOf", () => {
  const WINDOW = [START + 500, START + 3500];

  it("finds nothing lost or doubled when every slot has one tick", () => {
    const line = lineOf(
      record(...tick(1), ...tick(2), ...tick(3), ...tick(4), stoppedAt(START + 4200)),
    );
    expect(completenessOf(line, ...WINDOW)).toEqual({
      expected: 3,
      recorded: 3,
      lost: 0,
      doubled: 0,
      offSlot: 0,
      unfinished: 0,
    });
  });

  it("counts the slots a late tick passed over as lost", () => {
    const line = lineOf(record(...tick(1), ...tick(2, 0, START + 3000), stoppedAt(START + 5000)));
    expect(completenessOf(line, ...WINDOW)).toMatchObject({ expected: 3, recorded: 2, lost: 1 });
  });

  it("counts a slot the stop came before as lost", () => {
    const line = lineOf(record(...tick(1), ...tick(2), stoppedAt(START + 3100)));
    expect(completenessOf(line, ...WINDOW)).toMatchObject({ expected: 3, lost: 1 });
  });

  it("counts a tick number or a due time recorded twice as doubled", () => {
    const again = record(...tick(1), ...tick(1, 7), ...tick(2), ...tick(3));
    expect(completenessOf(lineOf(again), ...WINDOW).doubled).toBe(1);
    const sameSlot = record(...tick(1), ...tick(2, 0, START + 1000), ...tick(3));
    expect(completenessOf(lineOf(sameSlot), ...WINDOW)).toMatchObject({ doubled: 1, lost: 1 });
  });

  it("takes the slots from the first tick when it falls within two periods of the start", () => {
    const phased = [1, 2, 3, 4].flatMap((n) => tick(n, 2, START + 400 + (n - 1) * 1000));
    const line = lineOf(record(...phased, stoppedAt(START + 4000)));
    expect(completenessOf(line, ...WINDOW)).toMatchObject({ expected: 3, lost: 0, offSlot: 0 });
  });

  it("counts a first tick two periods or more after the start as off its slot", () => {
    const line = lineOf(record(...tick(1, 0, START + 2200), ...tick(2, 0, START + 3200)));
    expect(completenessOf(line, ...WINDOW).offSlot).toBe(2);
  });

  it("counts a begun tick never done, and one off its slot", () => {
    const open = row(START + 2000, { type: "automaton_tick", tick: 2, due_ms: START + 2000 });
    const line = lineOf(record(...tick(1, 0, START + 2500), open, ...tick(3)));
    expect(completenessOf(line, ...WINDOW)).toMatchObject({ offSlot: 1, unfinished: 1 });
  });
});

describe("latenessOf", () => {
  it("takes ts_ms - due_ms of the ticks due in the window", () => {
    const line = lineOf(record(...tick(1, 4), ...tick(2, 150), ...tick(3, 9)));
    const late = latenessOf([line], START + 1500, START + 3500, 100);
    expect(late).toEqual({ ticks: 2, p50Ms: 9, p99Ms: 150, maxMs: 150, overMs: 1 });
  });
});

describe("dueTimesOf", () => {
  it("counts the due times of an agent's ticks, shared ones once", () => {
    const other = "b".repeat(80);
    const schedule = { type: "interval", seconds: 1 };
    const rows = [
      ...record(...tick(1), ...tick(2, 30)),
      row(START, { type: "automaton_lifecycle", from: null, to: "installing", schedule }, other),
      row(START, { type: "automaton_lifecycle", from: "installing", to: "running" }, other),
      row(START + 1000, { type: "automaton_tick", tick: 1, due_ms: START + 1000 }, other),
      row(START + 2010, { type: "automaton_tick", tick: 2, due_ms: START + 2500 }, other),
    ];
    expect(dueTimesOf(timelinesOf(rows).values(), START, START + 3000)).toBe(3);
  });
});
