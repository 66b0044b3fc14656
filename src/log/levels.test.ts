import { describe, expect, it } from "vitest";
import { LOG_LEVELS, parseLogLevel, passes } from "./levels.js";

describe("parseLogLevel", () => {
  it("given nothing or a blank value, when parsed, then the level is info", () => {
    expect(parseLogLevel(undefined)).toBe("info");
    expect(parseLogLevel("  ")).toBe("info");
  });

  it("given each level, padded, when parsed, then it is that level", () => {
    for (const level of LOG_LEVELS) expect(parseLogLevel(` ${level} `)).toBe(level);
  });

  it("given wrangler's log and none, when parsed, then they are info and error", () => {
    expect([parseLogLevel("log"), parseLogLevel("none")]).toEqual(["info", "error"]);
  });

  it("given an unknown value or a non-string, when parsed, then it is refused", () => {
    expect(parseLogLevel("verbose")).toBeUndefined();
    expect(parseLogLevel(3)).toBeUndefined();
  });
});

describe("passes", () => {
  it("given each threshold, when every level is checked, then exactly the levels at or above it pass", () => {
    expect(LOG_LEVELS.filter((level) => passes(level, "debug"))).toEqual(LOG_LEVELS);
    expect(LOG_LEVELS.filter((level) => passes(level, "info"))).toEqual(["info", "warn", "error"]);
    expect(LOG_LEVELS.filter((level) => passes(level, "warn"))).toEqual(["warn", "error"]);
    expect(LOG_LEVELS.filter((level) => passes(level, "error"))).toEqual(["error"]);
  });
});
