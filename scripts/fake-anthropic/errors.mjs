/** Anthropic-style error bodies: `{ type: "error", error: { type, message } }`. */

/** @type {Record<number, string>} */
const ERROR_TYPES = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/**
 * The error body the Messages API sends with `status`.
 * @param {number} status
 * @param {string} [message]
 * @param {string} [type] overrides the type the status implies
 * @returns {{ type: "error", error: { type: string, message: string } }}
 * @example
 * errorBody(529); // { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }
 */
export function errorBody(status, message, type) {
  const errorType =
    type ?? ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return {
    type: "error",
    error: { type: errorType, message: message ?? defaultMessage(errorType) },
  };
}

/** @param {string} type */
function defaultMessage(type) {
  if (type === "overloaded_error") return "Overloaded";
  if (type === "rate_limit_error") return "Number of requests has exceeded your rate limit";
  if (type === "billing_error") return "Your credit balance is too low to access the Anthropic API";
  if (type === "authentication_error") return "invalid x-api-key";
  return type.replaceAll("_", " ");
}
