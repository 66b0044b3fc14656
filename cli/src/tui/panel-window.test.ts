import { describe, expect, it } from "vitest";
import { PANEL_CHROME_ROWS, panelWindow } from "./panel-window.js";

describe("panelWindow", () => {
  it("shows the newest rows that fit under the panel's frame", () => {
    expect(panelWindow(100, 10 + PANEL_CHROME_ROWS)).toEqual({ start: 90, end: 100 });
  });

  it("shows every row when they all fit, from the first", () => {
    expect(panelWindow(4, 13)).toEqual({ start: 0, end: 4 });
  });

  it("ends the window `scroll` rows above the newest", () => {
    expect(panelWindow(100, 13, 5)).toEqual({ start: 85, end: 95 });
  });

  it("never starts before the first row when scrolled near the top", () => {
    expect(panelWindow(12, 13, 5)).toEqual({ start: 0, end: 7 });
  });

  it("shows nothing when scrolled past every row", () => {
    expect(panelWindow(3, 13, 10)).toEqual({ start: 0, end: 0 });
  });

  it("shows at least one row in a panel too short for its frame", () => {
    expect(panelWindow(50, 2)).toEqual({ start: 49, end: 50 });
  });

  it("shows nothing of an empty list", () => {
    expect(panelWindow(0, 13)).toEqual({ start: 0, end: 0 });
  });
});
