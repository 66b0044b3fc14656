import { describe, expect, it } from "vitest";
import { AuraError, ERROR_STATUS, type ErrorCode, fail, type Result, unwrap } from "./errors.js";

const CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

describe("ERROR_STATUS", () => {
  it("given every error code, when looked up, then it has an HTTP error status", () => {
    expect(CODES.length).toBeGreaterThan(0);
    for (const code of CODES) {
      const status = ERROR_STATUS[code];
      expect(Number.isInteger(status), code).toBe(true);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
  });

  it("given the codes the HTTP API names, when looked up, then they map to their conventional statuses", () => {
    expect(ERROR_STATUS).toMatchObject({
      invalid_request: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      payload_too_large: 413,
      rate_limited: 429,
      internal: 500,
    });
  });
});

describe("AuraError", () => {
  it("given any code, when thrown, then it is an Error with that code, its status and its own name", () => {
    for (const code of CODES) {
      const err = new AuraError(code, `message for ${code}`);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.status).toBe(ERROR_STATUS[code]);
      expect(err.name).toBe("AuraError");
      expect(err.message).toBe(`message for ${code}`);
    }
  });

  it("given a subclass, when constructed, then its name is the subclass name", () => {
    class NotFoundError extends AuraError {}
    expect(new NotFoundError("not_found", "x").name).toBe("NotFoundError");
  });

  it("given no details, when turned into a body, then it is exactly {error:{code,message}}", () => {
    const body = new AuraError("not_found", "agent not found").toBody();
    expect(body).toStrictEqual({ error: { code: "not_found", message: "agent not found" } });
    expect(JSON.stringify(body)).toBe('{"error":{"code":"not_found","message":"agent not found"}}');
  });

  it("given details, when turned into a body, then they are carried under error.details", () => {
    const body = new AuraError("invalid_request", "bad field", { field: "kind" }).toBody();
    expect(body).toStrictEqual({
      error: { code: "invalid_request", message: "bad field", details: { field: "kind" } },
    });
  });
});

describe("fail and unwrap", () => {
  it("given a failure without details, when built, then it has no details key", () => {
    expect(fail("conflict", "busy")).toStrictEqual({
      ok: false,
      code: "conflict",
      message: "busy",
    });
  });

  it("given a failure with details, when built, then the details are kept", () => {
    expect(fail("conflict", "busy", { seq: 3 })).toStrictEqual({
      ok: false,
      code: "conflict",
      message: "busy",
      details: { seq: 3 },
    });
  });

  it("given a success, when unwrapped, then the same result is returned", () => {
    const ok: Result<{ value: number }> = { ok: true, value: 7 };
    expect(unwrap(ok)).toBe(ok);
  });

  it("given a failure, when unwrapped, then an AuraError with its code, message and details is thrown", () => {
    const failure: Result<{ value: number }> = fail("agent_dead", "gone", { id: "x" });
    let thrown: unknown;
    try {
      unwrap(failure);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AuraError);
    const err = thrown as AuraError;
    expect(err.code).toBe("agent_dead");
    expect(err.status).toBe(410);
    expect(err.message).toBe("gone");
    expect(err.details).toEqual({ id: "x" });
  });
});
