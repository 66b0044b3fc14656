import { afterEach, describe, expect, it, vi } from "vitest";
import type { LogFieldsInput } from "./fields.js";
import { createLogger } from "./logger.js";

const AGENT = "a".repeat(64);
const NOW = Date.UTC(2026, 10, 28, 23, 0, 0);

/** Spies on the four console methods a logger writes through; returns what each received. */
function captureConsole() {
  const spies = {
    debug: vi.spyOn(console, "debug").mockImplementation(() => {}),
    info: vi.spyOn(console, "info").mockImplementation(() => {}),
    warn: vi.spyOn(console, "warn").mockImplementation(() => {}),
    error: vi.spyOn(console, "error").mockImplementation(() => {}),
  };
  const lines = () =>
    Object.entries(spies).flatMap(([method, spy]) =>
      spy.mock.calls.map((call) => ({ method, args: call as unknown[] })),
    );
  return { spies, lines };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createLogger: line shape", () => {
  it("given a request line, when logged, then one JSON object is written as a single line with ts, level, event and the fields", () => {
    const { lines } = captureConsole();
    createLogger("info", () => NOW).log("info", "request", {
      method: "GET",
      route: "/agents/:id/head",
      status: 200,
      duration_ms: 3,
      org: "acme",
      agent_id: AGENT,
    });
    const written = lines();
    expect(written).toHaveLength(1);
    expect(written[0]?.method).toBe("info");
    expect(written[0]?.args).toHaveLength(1);
    const line = written[0]?.args[0] as string;
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({
      ts: "2026-11-28T23:00:00.000Z",
      level: "info",
      event: "request",
      method: "GET",
      route: "/agents/:id/head",
      status: 200,
      duration_ms: 3,
      org: "acme",
      agent_id: AGENT,
    });
    expect(Object.keys(JSON.parse(line)).slice(0, 3)).toEqual(["ts", "level", "event"]);
  });

  it("given each level, when logged at the lowest threshold, then each goes out through its own console method", () => {
    const { spies } = captureConsole();
    const logger = createLogger("debug");
    logger.log("debug", "request");
    logger.log("info", "request");
    logger.log("warn", "request");
    logger.log("error", "unhandled_error");
    for (const spy of Object.values(spies)) expect(spy).toHaveBeenCalledTimes(1);
  });

  it("given a console that throws, when a line is logged, then the caller never sees it", () => {
    vi.spyOn(console, "info").mockImplementation(() => {
      throw new Error("console gone");
    });
    expect(() => createLogger("info").log("info", "request", { status: 200 })).not.toThrow();
  });
});

describe("createLogger: level filtering", () => {
  it("given threshold warn, when lines at every level are logged, then only warn and error are written", () => {
    const { lines } = captureConsole();
    const logger = createLogger("warn");
    logger.log("debug", "request");
    logger.log("info", "turn");
    logger.log("warn", "request");
    logger.log("error", "drain_failed");
    expect(lines().map((l) => JSON.parse(l.args[0] as string).level)).toEqual(["warn", "error"]);
  });

  it("given threshold error, when an info line is logged, then nothing is written", () => {
    const { lines } = captureConsole();
    createLogger("error").log("info", "request", { status: 200 });
    expect(lines()).toEqual([]);
  });

  it("given threshold info, when a debug line is logged, then nothing is written", () => {
    const { lines } = captureConsole();
    createLogger("info").log("debug", "request");
    expect(lines()).toEqual([]);
  });
});

describe("createLogger: the allow-list", () => {
  it("given a key outside the allow-list, when logged, then the compiler refuses it and at run time it is dropped", () => {
    const { lines } = captureConsole();
    createLogger("info").log("info", "request", {
      status: 200,
      // @ts-expect-error: `prompt` is not a log field
      prompt: "tell me the secret",
    });
    const smuggled = { status: 201, token: "eyJ.secret.jwt", payload: "aGVsbG8=" };
    createLogger("info").log("info", "request", smuggled as LogFieldsInput);
    const written = lines().map((l) => l.args[0] as string);
    expect(written.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ status: 200 }),
      expect.objectContaining({ status: 201 }),
    ]);
    for (const line of written) {
      expect(line).not.toMatch(/prompt|secret|token|payload|aGVsbG8/);
    }
  });

  it("given allowed keys with values of the wrong shape, when logged, then those fields are dropped and the rest kept", () => {
    const { lines } = captureConsole();
    const fields = {
      org: "acme",
      agent_id: "not an id: hello world",
      tx_id: AGENT.toUpperCase(),
      route: "/stream?token=eyJhbGciOiJIUzI1NiJ9.e30.sig",
      method: "GET /stream?token=x",
      status: 1000,
      duration_ms: -1,
      outcome: "exploded",
      error_code: 'Invalid Request: body was {"x":1}',
      model_calls: 1.5,
    };
    createLogger("info").log("info", "request", fields as unknown as LogFieldsInput);
    const line = JSON.parse(lines()[0]?.args[0] as string);
    expect(Object.keys(line).sort()).toEqual(["event", "level", "org", "ts"]);
  });

  it("given an error message carrying a token and quoted input, when logged, then the message is redacted", () => {
    const { lines } = captureConsole();
    createLogger("info").log("error", "unhandled_error", {
      error_name: "SyntaxError",
      error_message:
        'Unexpected token, "the prompt text" is not valid JSON; authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl',
    });
    const line = lines()[0]?.args[0] as string;
    expect(line).not.toContain("the prompt text");
    expect(line).not.toContain("eyJhbGciOiJIUzI1NiJ9");
    expect(JSON.parse(line).error_message).toMatch(/^Unexpected token, "…" is not valid JSON/);
  });
});
