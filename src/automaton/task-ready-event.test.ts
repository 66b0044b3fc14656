import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import type { Transaction } from "../core/record.js";
import { taskReadyOf } from "./task-ready-event.js";

const P = "cd".repeat(32);
const T = "ef".repeat(16);

function trigger(payload: unknown, sub?: string): Transaction {
  return {
    hash: "00".repeat(32),
    agent_id: "ab".repeat(32),
    ts_ms: 1,
    tx_type: "trigger",
    payload: textToBase64(JSON.stringify(payload)),
    ...(sub === undefined ? {} : { sub }),
  };
}

describe("taskReadyOf", () => {
  const event = { event: "task_ready", project_id: P, task_id: T, project_seq: 4 };

  it("reads a trigger the project admitted under its own sub", () => {
    expect(taskReadyOf(trigger(event, `project:${P}`))).toEqual(event);
  });

  it("ignores one submitted under another sub, or none", () => {
    expect(taskReadyOf(trigger(event, "ann"))).toBeUndefined();
    expect(taskReadyOf(trigger(event, `project:${"aa".repeat(32)}`))).toBeUndefined();
    expect(taskReadyOf(trigger(event))).toBeUndefined();
  });

  it("ignores another payload or type", () => {
    expect(taskReadyOf(trigger({ event: "other" }, `project:${P}`))).toBeUndefined();
    expect(
      taskReadyOf({ ...trigger(event, `project:${P}`), tx_type: "agent_msg" }),
    ).toBeUndefined();
  });
});
