/**
 * The one error model. Every error a client can see carries a stable `code` from this
 * registry; the HTTP status comes from {@link ERROR_STATUS}, which the compiler keeps complete.
 */
export type ErrorCode =
  | "invalid_request"
  | "invalid_record"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  | "agent_paused"
  | "agent_dead"
  | "config_error"
  | "unavailable"
  | "internal";

/** HTTP status for each error code. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_record: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  agent_paused: 409,
  agent_dead: 410,
  // The Worker cannot serve until an operator sets or fixes a variable: unavailable, not a bug.
  config_error: 503,
  unavailable: 503,
  internal: 500,
};

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/**
 * Base error with a stable string code.
 *
 * @example
 * throw new AuraError("not_found", "agent 3f2a… not found");
 */
export class AuraError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** HTTP status for this error. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The wire form `{"error":{"code","message","details"?}}`. */
  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

/** A failure returned (not thrown) across the Durable Object boundary. */
export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** A service result: the value, or a {@link Failure} the handler translates. */
export type Result<T> = ({ ok: true } & T) | Failure;

/** Builds a {@link Failure}. */
export function fail(code: ErrorCode, message: string, details?: unknown): Failure {
  return details === undefined
    ? { ok: false, code, message }
    : { ok: false, code, message, details };
}

/** Rethrows a {@link Failure} as an {@link AuraError}; passes successes through. */
export function unwrap<T>(result: Result<T>): { ok: true } & T {
  if (!result.ok) throw new AuraError(result.code, result.message, result.details);
  return result;
}
