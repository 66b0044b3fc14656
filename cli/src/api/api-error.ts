import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../../../src/core/errors.js";

/**
 * Codes an {@link ApiError} carries: the server's stable error codes (SPEC §5, the registry in
 * src/core/errors.ts), plus the client's own — `network_error` (the server could not be
 * reached) and `bad_response` (it answered something that is not the documented shape).
 */
export type ApiErrorCode = ErrorCode | "network_error" | "bad_response";

/** True for a code of the server's registry. */
function isServerCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

/** The server's error body: `{"error":{"code","message","details"?}}`. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/**
 * The one error the API client throws, with a stable `code` to switch on.
 *
 * @example
 * try { await api.head(id); } catch (err) {
 *   if (err instanceof ApiError && err.code === "not_found") console.error(err.message);
 * }
 */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  readonly details: unknown;

  constructor(code: ApiErrorCode, message: string, status?: number, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details;
  }

  /**
   * The error an HTTP reply stands for: its error body's code, else one read from the status.
   *
   * @example
   * ApiError.fromReply(404, { error: { code: "not_found", message: "no agent" } }).code; // "not_found"
   */
  static fromReply(status: number, body: unknown): ApiError {
    const parsed = ErrorBody.safeParse(body);
    if (parsed.success) {
      const { code, message, details } = parsed.data.error;
      const known = isServerCode(code) ? code : codeOfStatus(status);
      return new ApiError(known, message, status, details);
    }
    return new ApiError(codeOfStatus(status), `HTTP ${status}`, status);
  }
}

function codeOfStatus(status: number): ApiErrorCode {
  switch (status) {
    case 400:
      return "invalid_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 410:
      return "agent_dead";
    case 413:
      return "payload_too_large";
    case 429:
      return "rate_limited";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "bad_response";
  }
}
