/**
 * A failed API call: the HTTP status and the Worker's stable error code
 * (`{"error":{"code","message"}}`, docs/protocol.md), or `network` when no answer came.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Builds the {@link ApiError} of a non-2xx answer from its JSON error body, if it has one. */
export async function errorOf(response: Response): Promise<ApiError> {
  let code = "internal";
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string") message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, code, message);
}
