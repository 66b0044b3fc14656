import { describe, expect, it } from "vitest";
import { inputFrame, parseTerminalFrame, terminalUrl } from "./terminal-frames.js";

describe("terminal frames", () => {
  it("sends typed text as UTF-8 base64", () => {
    expect(inputFrame("echo é\r")).toEqual({ type: "input", data: "ZWNobyDDqQ0=" });
  });

  it("reads output as bytes and the other frames as they are", () => {
    const output = parseTerminalFrame('{"type":"output","data":"aGk="}');
    expect(output.type === "output" && [...output.bytes]).toEqual([104, 105]);
    expect(parseTerminalFrame('{"type":"spawned","pid":7}')).toEqual({ type: "spawned", pid: 7 });
    expect(parseTerminalFrame('{"type":"exit","code":0}')).toEqual({ type: "exit", code: 0 });
    expect(parseTerminalFrame('{"type":"error","code":"spawn_failed","message":"no"}')).toEqual({
      type: "error",
      message: "spawn_failed: no",
    });
  });

  it("turns what it cannot read into an error event", () => {
    expect(parseTerminalFrame("not json").type).toBe("error");
    expect(parseTerminalFrame('{"type":"output","data":"@@@"}').type).toBe("error");
    expect(parseTerminalFrame('{"type":"mystery"}')).toEqual({
      type: "error",
      message: "the terminal sent an unknown frame (mystery)",
    });
  });

  it("puts the token in the query, like /stream", () => {
    const where = { protocol: "https:", host: "aura.example" } as Location;
    expect(terminalUrl("ab", "t+k", where)).toBe(
      "wss://aura.example/ws/terminal?agent_id=ab&token=t%2Bk",
    );
  });
});
