/**
 * The sandbox's HTTP error model: a request refused before any tool runs leaves as
 * `{"error":{"code","message"}}` with the status from {@link SANDBOX_ERROR_STATUS}, which the
 * compiler keeps complete. A tool that runs and fails is not an HTTP error: it is a
 * `ToolResult` with `ok: false` (see `tools/tool-failure.ts`).
 */
export type SandboxErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "payload_too_large"
  | "internal";

/** HTTP status for each error code. */
export const SANDBOX_ERROR_STATUS: Record<SandboxErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  internal: 500,
};

/** The JSON body of every error response. */
export interface SandboxErrorBody {
  error: { code: SandboxErrorCode; message: string };
}

/**
 * A refused request, with a stable `code`.
 *
 * @example
 * throw new SandboxError("forbidden", "token is for another workspace");
 */
export class SandboxError extends Error {
  readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }

  /** HTTP status for this error. */
  get status(): number {
    return SANDBOX_ERROR_STATUS[this.code];
  }

  /** The wire form `{"error":{"code","message"}}`. */
  toBody(): SandboxErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
