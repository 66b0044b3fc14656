import {
  SANDBOX_ERROR_STATUS,
  type SandboxErrorBody,
  type SandboxErrorCode,
} from "../../src/protocol/sandbox.js";

/**
 * The sandbox's HTTP error model: a request refused before any tool runs leaves as a
 * `SandboxErrorBody` `{"error":{"code","message"}}` with the status `SANDBOX_ERROR_STATUS`
 * gives its code. The codes, the status map and the body live in `src/protocol/sandbox.ts`,
 * where the Worker's client decodes them. A tool that runs and fails is not an HTTP error: it
 * is a `ToolResult` with `ok: false` (see `tools/tool-failure.ts`).
 */
export type { SandboxErrorBody, SandboxErrorCode };

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
