import { ApiError, type ApiErrorCode } from "./api/api-error.js";

/**
 * The exit codes of every `aura` command, one table (docs/cli.md lists the same): scripts
 * may rely on them.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Anything not below (the server failed, an unexpected reply). */
  failure: 1,
  /** Bad arguments or options. */
  usage: 2,
  /** The agent, transaction, tool call or file does not exist. */
  not_found: 3,
  /** `aura verify`: the record does not verify. */
  verify_failed: 4,
  /** The server cannot be reached, or refused the token (log in again). */
  unreachable_or_auth: 5,
  /** The server refused the request as it stands (conflict, paused or dead agent, too large). */
  refused: 6,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code each {@link ApiError} code maps to; the compiler keeps it complete. */
export const EXIT_OF_API_ERROR: Record<ApiErrorCode, ExitCode> = {
  invalid_request: EXIT.usage,
  invalid_record: EXIT.verify_failed,
  unauthorized: EXIT.unreachable_or_auth,
  forbidden: EXIT.unreachable_or_auth,
  not_found: EXIT.not_found,
  conflict: EXIT.refused,
  payload_too_large: EXIT.refused,
  rate_limited: EXIT.refused,
  agent_paused: EXIT.refused,
  agent_dead: EXIT.refused,
  config_error: EXIT.failure,
  unavailable: EXIT.unreachable_or_auth,
  internal: EXIT.failure,
  network_error: EXIT.unreachable_or_auth,
  bad_response: EXIT.failure,
};

/**
 * A failure a command reports: a one-line reason for stderr and its exit code.
 *
 * @example
 * throw new CliError(EXIT.usage, "SEQ must be a positive whole number");
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/**
 * The exit code and one-line reason for anything a command threw.
 *
 * @example
 * exitOf(new ApiError("not_found", "agent ab… not found")); // { code: 3, message: "not_found: agent ab… not found" }
 */
export function exitOf(err: unknown): { code: ExitCode; message: string } {
  if (err instanceof CliError) return { code: err.exitCode, message: oneLine(err.message) };
  if (err instanceof ApiError) {
    return { code: EXIT_OF_API_ERROR[err.code], message: oneLine(`${err.code}: ${err.message}`) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: EXIT.failure, message: oneLine(message) };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
