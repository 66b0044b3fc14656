import { describe, expect, it } from "vitest";
import { ApiError } from "./api/api-error.js";
import { CliError, EXIT, EXIT_OF_API_ERROR, exitOf } from "./exit-codes.js";

describe("exit codes", () => {
  it("are distinct, with 0 only for success", () => {
    const codes = Object.values(EXIT);
    expect(new Set(codes).size).toBe(codes.length);
    expect(EXIT.ok).toBe(0);
    expect(EXIT).toMatchObject({
      usage: 2,
      not_found: 3,
      verify_failed: 4,
      unreachable_or_auth: 5,
    });
  });

  it("map every API error to a non-zero code: not found 3, unreachable or refused token 5", () => {
    for (const code of Object.values(EXIT_OF_API_ERROR)) expect(code).not.toBe(0);
    expect(exitOf(new ApiError("not_found", "no agent")).code).toBe(3);
    expect(exitOf(new ApiError("network_error", "cannot reach http://x")).code).toBe(5);
    expect(exitOf(new ApiError("unauthorized", "bad token")).code).toBe(5);
    expect(exitOf(new ApiError("invalid_request", "bad")).code).toBe(2);
  });

  it("give a one-line reason that starts with the error's code", () => {
    expect(exitOf(new ApiError("conflict", "fork source\nbad at 3"))).toEqual({
      code: EXIT.refused,
      message: "conflict: fork source bad at 3",
    });
    expect(exitOf(new CliError(EXIT.usage, "SEQ must be a number"))).toEqual({
      code: 2,
      message: "SEQ must be a number",
    });
    expect(exitOf(new Error("boom")).code).toBe(EXIT.failure);
  });

  it("read the server's error body, and fall back on the HTTP status", () => {
    const fromBody = ApiError.fromReply(404, { error: { code: "not_found", message: "agent x" } });
    expect([fromBody.code, fromBody.message, fromBody.status]).toEqual([
      "not_found",
      "agent x",
      404,
    ]);
    expect(ApiError.fromReply(401, "nope").code).toBe("unauthorized");
    expect(ApiError.fromReply(502, undefined).code).toBe("internal");
  });
});
