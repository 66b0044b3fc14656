import { ApiError } from "../api/api-error.js";

/**
 * What a failed call says to the person: the server's message (which names the field or the
 * rule), with its stable code when the server gave one.
 *
 * @example
 * errorText(new ApiError(409, "conflict", "task 1 cannot go from done to ready")); // "task 1 cannot go from done to ready (conflict)"
 */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    return err.code === "network" ? err.message : `${err.message} (${err.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}
