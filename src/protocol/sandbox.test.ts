import { describe, expect, it } from "vitest";
import { canonicalJson } from "../core/canonical-json.js";
import {
  isOutcomeUnknown,
  LegacyOutcomeUnknownMetadata,
  OutcomeUnknownMetadata,
  outcomeUnknownResult,
  SANDBOX_ERROR_CODES,
  SANDBOX_ERROR_STATUS,
  SandboxErrorBody,
  ToolResult,
} from "./sandbox.js";

describe("the outcome_unknown shape", () => {
  it("is built as a failed io_error result flagged outcome_unknown, and recognised", () => {
    const result = outcomeUnknownResult("run_command", "the sandbox did not answer");
    expect(result).toEqual({
      tool: "run_command",
      ok: false,
      stdout: "",
      stderr: "the sandbox did not answer",
      metadata: { error_code: "io_error", outcome_unknown: true },
    });
    expect(ToolResult.parse(result)).toEqual(result);
    expect(OutcomeUnknownMetadata.safeParse(result.metadata).success).toBe(true);
    expect(isOutcomeUnknown(result)).toBe(true);
  });

  it("recognises the shape older records hold, which reads back byte for byte", () => {
    // What the Durable Object recorded before the shape was one: kept verbatim in the record.
    const recorded = {
      tool: "write_file",
      ok: false,
      stdout: "",
      stderr:
        "outcome_unknown: the sandbox did not answer (down); the call may or may not have run",
      metadata: { error_code: "io_error", outcome: "outcome_unknown" },
    };
    const decoded = ToolResult.parse(recorded);
    expect(canonicalJson(decoded)).toBe(canonicalJson(recorded));
    expect(LegacyOutcomeUnknownMetadata.safeParse(decoded.metadata).success).toBe(true);
    expect(isOutcomeUnknown(decoded)).toBe(true);
  });

  it("does not take a success, another error or a malformed flag for an unknown outcome", () => {
    const base = { tool: "read_file", stdout: "", stderr: "" };
    for (const result of [
      { ...base, ok: true, metadata: { error_code: "io_error", outcome_unknown: true } },
      { ...base, ok: false, metadata: { error_code: "io_error" } },
      { ...base, ok: false, metadata: { error_code: "io_error", outcome_unknown: "yes" } },
      { ...base, ok: false, metadata: { error_code: "command_failed", outcome_unknown: true } },
      { ...base, ok: false, metadata: { error_code: "io_error", outcome: "done" } },
    ]) {
      expect(isOutcomeUnknown(result), JSON.stringify(result.metadata)).toBe(false);
    }
  });
});

describe("the sandbox's error codes", () => {
  it("give every code an HTTP error status", () => {
    for (const code of SANDBOX_ERROR_CODES) {
      expect(SANDBOX_ERROR_STATUS[code], code).toBeGreaterThanOrEqual(400);
      expect(SANDBOX_ERROR_STATUS[code], code).toBeLessThan(600);
    }
  });

  it("accept an error body with a known code and refuse one with any other", () => {
    const body = { error: { code: "forbidden", message: "this sandbox serves another workspace" } };
    expect(SandboxErrorBody.parse(body)).toEqual(body);
    expect(SandboxErrorBody.safeParse({ error: { code: "teapot", message: "" } }).success).toBe(
      false,
    );
  });
});
