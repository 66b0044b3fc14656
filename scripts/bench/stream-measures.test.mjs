import { describe, expect, it } from "vitest";
import { latencyOf, missingOf, spreadOf } from "./stream-measures.mjs";

/** What one client got of a turn; by default all of it, one delta "hi" at `at`. */
function client(at, overrides = {}) {
  return {
    promptAt: at - 5,
    deltaAts: [at],
    deltaTexts: ["hi"],
    endAt: at + 1,
    doneAt: at + 2,
    errors: [],
    ...overrides,
  };
}

describe("stream measures", () => {
  it("given every client got every event of a turn, then nothing is missing", () => {
    const runs = [{ sentAt: 0, timedOut: false, clients: [client(10), client(12)] }];
    expect(missingOf(runs)).toBe(0);
  });

  it("given a client without the delta, the turn's end or its records, then each counts as missing", () => {
    const runs = [
      {
        sentAt: 0,
        timedOut: true,
        clients: [
          client(10),
          client(11, { deltaAts: [], deltaTexts: [] }),
          client(12, { promptAt: undefined, endAt: undefined, doneAt: undefined }),
        ],
      },
    ];
    expect(missingOf(runs)).toBe(4);
  });

  it("given a client got another text, or an error frame, then those count as missing too", () => {
    const runs = [
      {
        sentAt: 0,
        timedOut: false,
        clients: [client(10), client(11, { deltaTexts: ["ho"], errors: ["llm_error: down"] })],
      },
    ];
    expect(missingOf(runs)).toBe(2);
  });

  it("given no client got any delta, then every client misses one, since the mock always answers text", () => {
    const none = { deltaAts: [], deltaTexts: [] };
    const runs = [{ sentAt: 0, timedOut: false, clients: [client(10, none), client(11, none)] }];
    expect(missingOf(runs)).toBe(2);
  });

  it("takes each delta's spread as the last client's receive time minus the first's", () => {
    const runs = [
      { sentAt: 0, timedOut: false, clients: [client(10), client(13), client(11)] },
      { sentAt: 20, timedOut: false, clients: [client(30), client(31), client(30.5)] },
    ];
    expect(spreadOf(runs)).toEqual({ deltas: 2, p50Ms: 1, p99Ms: 3, maxMs: 3 });
  });

  it("takes latencies from the sender's user_message to each client's records", () => {
    const runs = [{ sentAt: 100, timedOut: false, clients: [client(110), client(130)] }];
    expect(latencyOf(runs)).toEqual({
      samples: 2,
      p50Ms: 5,
      p99Ms: 25,
      doneP50Ms: 12,
      doneP99Ms: 32,
    });
  });
});
