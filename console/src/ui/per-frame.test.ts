import { afterEach, describe, expect, it, vi } from "vitest";
import { perFrame } from "./per-frame.js";

describe("perFrame", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once for every burst of asks, on the next frame", () => {
    vi.useFakeTimers();
    let runs = 0;
    const render = perFrame(() => {
      runs += 1;
    });
    for (let i = 0; i < 500; i++) render.schedule();
    expect(runs).toBe(0);
    vi.advanceTimersByTime(16);
    expect(runs).toBe(1);
    render.schedule();
    vi.advanceTimersByTime(16);
    expect(runs).toBe(2);
  });

  it("runs at once on flush when due, and not again on the frame", () => {
    vi.useFakeTimers();
    let runs = 0;
    const render = perFrame(() => {
      runs += 1;
    });
    render.flush();
    expect(runs).toBe(0);
    render.schedule();
    render.flush();
    expect(runs).toBe(1);
    vi.advanceTimersByTime(16);
    expect(runs).toBe(1);
  });
});
