import { AuraError } from "../core/errors.js";
import type { LogFieldsInput } from "./fields.js";

/** What a log line says about an error. */
export type ErrorFields = Pick<LogFieldsInput, "error_name" | "error_code" | "error_message">;

/**
 * The log fields of a caught error: its class name; its code when it has one; and its
 * message — redacted by the logger — unless it is a client's error (an `AuraError` below
 * 500), whose message describes the client's input and may quote it: the code says enough.
 *
 * @example
 * errorFields(new AuraError("invalid_request", "payload: not base64"));
 * // { error_name: "AuraError", error_code: "invalid_request" }
 * errorFields(new TypeError("x is not a function"));
 * // { error_name: "TypeError", error_message: "x is not a function" }
 */
export function errorFields(err: unknown): ErrorFields {
  if (err instanceof AuraError) {
    const fields: ErrorFields = { error_name: err.name, error_code: err.code };
    if (err.status >= 500) fields.error_message = err.message;
    return fields;
  }
  if (err instanceof Error) return { error_name: err.name, error_message: err.message };
  return { error_name: typeof err };
}
