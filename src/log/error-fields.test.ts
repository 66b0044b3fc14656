import { describe, expect, it } from "vitest";
import { AuraError } from "../core/errors.js";
import { errorFields } from "./error-fields.js";

describe("errorFields", () => {
  it("given a client's error, when described, then only its class and code are kept: its message may quote the input", () => {
    const err = new AuraError("invalid_request", "payload: 'my secret prompt' is not base64");
    expect(errorFields(err)).toEqual({ error_name: "AuraError", error_code: "invalid_request" });
  });

  it("given a server-side AuraError, when described, then its message is kept for the logger to redact", () => {
    const err = new AuraError("unavailable", "sandbox unreachable");
    expect(errorFields(err)).toEqual({
      error_name: "AuraError",
      error_code: "unavailable",
      error_message: "sandbox unreachable",
    });
  });

  it("given any other Error, when described, then its class and message are kept", () => {
    expect(errorFields(new TypeError("x is not a function"))).toEqual({
      error_name: "TypeError",
      error_message: "x is not a function",
    });
  });

  it("given a thrown value that is not an Error, when described, then only its type is kept", () => {
    expect(errorFields("the whole payload")).toEqual({ error_name: "string" });
  });
});
