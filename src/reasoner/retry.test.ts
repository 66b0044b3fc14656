import { describe, expect, it } from "vitest";
import { backoffMs, parseRetryAfter, sleep } from "./retry.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("backoffMs", () => {
  it("given a 1 s base, when retrying, then the waits are 1 s then 2 s", () => {
    expect([backoffMs(1, 1000), backoffMs(2, 1000)]).toEqual([1000, 2000]);
  });
});

describe("parseRetryAfter", () => {
  it("given delta-seconds, when parsed, then it is milliseconds", () => {
    expect(parseRetryAfter("3", NOW, 30_000)).toBe(3000);
    expect(parseRetryAfter("0.5", NOW, 30_000)).toBe(500);
  });

  it("given an HTTP date, when parsed, then it is the time until that date", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:04 GMT", NOW, 30_000)).toBe(4000);
  });

  it("given a date in the past, when parsed, then the wait is zero", () => {
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", NOW, 30_000)).toBe(0);
  });

  it("given a wait longer than the cap, when parsed, then it is capped", () => {
    expect(parseRetryAfter("3600", NOW, 30_000)).toBe(30_000);
  });

  it("given nothing or nonsense, when parsed, then there is no wait", () => {
    expect(parseRetryAfter(null, NOW, 30_000)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW, 30_000)).toBeUndefined();
    expect(parseRetryAfter("-1", NOW, 30_000)).toBeUndefined();
  });
});

describe("sleep", () => {
  it("given an aborted signal, when sleeping, then it rejects with the reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(sleep(10_000, controller.signal)).rejects.toThrow("stop");
  });
});
