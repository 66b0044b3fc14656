import { describe, expect, it } from "vitest";
import { renderLiveOnTerminal } from "./live-terminal.js";

describe("renderLiveOnTerminal", () => {
  it("clears CI and CONTINUOUS_INTEGRATION when stdin and stdout are both terminals", () => {
    const env: Record<string, string | undefined> = {
      CI: "true",
      CONTINUOUS_INTEGRATION: "1",
      HOME: "/home/a",
    };
    renderLiveOnTerminal({ env, stdin: { isTTY: true }, stdout: { isTTY: true } });
    expect(env).toEqual({ HOME: "/home/a" });
  });

  it("leaves the environment alone when either side is not a terminal", () => {
    for (const [stdin, stdout] of [
      [true, false],
      [false, true],
    ]) {
      const env: Record<string, string | undefined> = { CI: "true" };
      renderLiveOnTerminal({ env, stdin: { isTTY: stdin }, stdout: { isTTY: stdout } });
      expect(env).toEqual({ CI: "true" });
    }
  });
});
