import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import {
  decodeApproval,
  decodeToolExecution,
  executionText,
  toolResultText,
} from "./tool-record.js";

describe("tool records", () => {
  it("gives the model a successful tool's output, and its stderr after a marker", () => {
    const ok = {
      tool: "run_command",
      ok: true,
      exit_code: 0,
      stdout: "hi\n",
      stderr: "",
      metadata: {},
    };
    expect(toolResultText(ok)).toBe("hi\n");
    expect(toolResultText({ ...ok, stderr: "warn" })).toBe("hi\n\n[stderr]\nwarn");
  });

  it("gives the model a failure's code, exit status, reason and any output", () => {
    const failed = {
      tool: "run_command",
      ok: false,
      exit_code: 2,
      stdout: "partial",
      stderr: "boom",
      metadata: { error_code: "command_failed" },
    };
    expect(toolResultText(failed)).toBe("command_failed (exit 2): boom\n[stdout]\npartial");
    expect(toolResultText({ ...failed, exit_code: undefined, stdout: "", metadata: {} })).toBe(
      "error: boom",
    );
  });

  it("describes an execution without a result by its reason", () => {
    expect(
      executionText({ tool_use_id: "t", tool: "x", args: {}, decision: "denied", is_error: true }),
    ).toBe("error: the tool call was not executed");
  });

  it("decodes an execution payload and rejects one outside the schema", () => {
    const execution = {
      tool_use_id: "t",
      tool: "x",
      args: {},
      decision: "approved",
      is_error: false,
    };
    expect(decodeToolExecution(textToBase64(canonicalJson(execution)))).toEqual(execution);
    expect(() => decodeToolExecution(textToBase64('{"tool":"x"}'))).toThrow();
  });

  it("reads an approval from an action_result payload, and nothing from any other payload", () => {
    const approval = { kind: "approval", tool_use_id: "t", tool: "run_command", approved: true };
    expect(decodeApproval(textToBase64(canonicalJson(approval)))).toEqual(approval);
    expect(decodeApproval(textToBase64("not json"))).toBeUndefined();
    expect(decodeApproval(textToBase64('{"kind":"other"}'))).toBeUndefined();
  });
});
