import { AuraError, type ErrorCode } from "../core/errors.js";
import { SandboxErrorBody, type SandboxErrorCode } from "../protocol/sandbox.js";

/**
 * The Worker's error code for each sandbox code. The sandbox judges the Worker's request, not
 * the Worker's caller's, so its refusals do not pass through as they are: a token it refuses
 * means the Worker and the sandbox disagree on keys (`config_error`), a route or body it does
 * not know means they disagree on the contract (`internal`), its own failure means try again
 * later (`unavailable`). Only a body too large is the caller's (`payload_too_large`).
 */
export const SANDBOX_ERROR_AS: Record<SandboxErrorCode, ErrorCode> = {
  invalid_request: "internal",
  unauthorized: "config_error",
  forbidden: "config_error",
  not_found: "internal",
  method_not_allowed: "internal",
  payload_too_large: "payload_too_large",
  internal: "unavailable",
};

/**
 * A sandbox call that failed: an {@link AuraError} of the Worker's model, so a route can let
 * it through to `onError`. `refused` is true when the request was certainly not carried out
 * (the sandbox, or whatever answered for it, turned it away with a 4xx): re-sending it cannot
 * help, and a tool call it carried was not run.
 */
export abstract class SandboxCallError extends AuraError {
  abstract readonly refused: boolean;
}

/**
 * The sandbox answered with an error of its contract (`SandboxErrorBody`): `sandbox_code` is
 * its code (also in `details`), `code` the Worker's ({@link SANDBOX_ERROR_AS}).
 *
 * @example
 * if (err instanceof SandboxErrorAnswer && err.sandbox_code === "unauthorized") rotateKeys();
 */
export class SandboxErrorAnswer extends SandboxCallError {
  readonly sandbox_code: SandboxErrorCode;
  readonly refused: boolean;

  constructor(sandboxCode: SandboxErrorCode, message: string) {
    super(SANDBOX_ERROR_AS[sandboxCode], `sandbox ${sandboxCode}: ${message}`, {
      sandbox_code: sandboxCode,
    });
    this.sandbox_code = sandboxCode;
    this.refused = sandboxCode !== "internal";
  }
}

/**
 * The sandbox could not be reached, or answered outside the contract (`unavailable`).
 * `refused` is true for such an answer with a 4xx status.
 */
export class SandboxUnavailable extends SandboxCallError {
  readonly refused: boolean;

  constructor(message: string, refused = false) {
    super("unavailable", message);
    this.refused = refused;
  }
}

/**
 * The typed error for a sandbox answer that is not a success: its `SandboxErrorBody` decoded
 * into a {@link SandboxErrorAnswer}, anything else a {@link SandboxUnavailable}.
 *
 * @example
 * sandboxErrorOf(401, '{"error":{"code":"unauthorized","message":"invalid sandbox token: expired"}}');
 * // SandboxErrorAnswer { code: "config_error", sandbox_code: "unauthorized", refused: true }
 */
export function sandboxErrorOf(status: number, text: string): SandboxCallError {
  const body = SandboxErrorBody.safeParse(parseJson(text));
  if (body.success) return new SandboxErrorAnswer(body.data.error.code, body.data.error.message);
  const refused = status >= 400 && status < 500;
  return new SandboxUnavailable(
    `the sandbox's ${status} answer is outside the contract: ${text.slice(0, 300)}`,
    refused,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
