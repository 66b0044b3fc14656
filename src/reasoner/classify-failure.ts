import { APIConnectionError, APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { MalformedMessageError, StreamInterruptedError } from "./messages-stream.js";
import { parseRetryAfter } from "./retry.js";
import type { ModelErrorCode } from "./types.js";

/** What went wrong in one attempt, and whether another attempt may help. */
export interface AttemptFailure {
  code: ModelErrorCode;
  message: string;
  http_status?: number;
  /** 429, 5xx, 529, connection errors and cut streams. */
  retryable: boolean;
  /** 529 and 5xx: the fallback model is tried once the primary's attempts run out. */
  overloaded: boolean;
  /** What the server's `retry-after` asked for, capped. */
  retry_after_ms?: number;
}

/** What the attempt knew when it failed. */
export interface FailureContext {
  /** The caller's signal aborted. */
  cancelled: boolean;
  /** The attempt's own timer fired. */
  timedOut: boolean;
  now: number;
  maxRetryAfterMs: number;
}

/**
 * Names the failure of one attempt: an SDK error (HTTP status, connection, SSE `error`
 * event), a cut stream, a malformed message, a timeout or a cancellation.
 *
 * @example
 * classifyFailure(err, { cancelled: false, timedOut: false, now: Date.now(), maxRetryAfterMs: 30_000 });
 */
export function classifyFailure(err: unknown, ctx: FailureContext): AttemptFailure {
  const message = err instanceof Error ? err.message : String(err);
  const fail = (code: ModelErrorCode, retryable = false, overloaded = false): AttemptFailure => ({
    code,
    message,
    retryable,
    overloaded,
  });
  if (ctx.cancelled) return { ...fail("cancelled"), message: "the model call was cancelled" };
  if (ctx.timedOut || err instanceof APIConnectionTimeoutError) {
    return { ...fail("timeout"), message: "the model call timed out" };
  }
  if (err instanceof StreamInterruptedError) return fail("stream_interrupted", true);
  if (err instanceof MalformedMessageError) return fail("llm_error");
  if (err instanceof APIConnectionError) return fail("llm_error", true);
  if (err instanceof APIError) {
    if (err.status === undefined) return fromStreamErrorEvent(err.type, fail);
    const failure = fromStatus(err.status, fail);
    const retryAfter = parseRetryAfter(
      err.headers?.get("retry-after"),
      ctx.now,
      ctx.maxRetryAfterMs,
    );
    return {
      ...failure,
      message: err.apiMessage ?? message,
      http_status: err.status,
      ...(failure.retryable && retryAfter !== undefined ? { retry_after_ms: retryAfter } : {}),
    };
  }
  return fail("llm_error");
}

type Fail = (code: ModelErrorCode, retryable?: boolean, overloaded?: boolean) => AttemptFailure;

function fromStatus(status: number, fail: Fail): AttemptFailure {
  if (status === 402) return fail("insufficient_credits");
  if (status === 401 || status === 403) return fail("unauthorized");
  if (status === 429) return fail("rate_limited", true);
  if (status === 529 || status === 503) return fail("overloaded", true, true);
  if (status >= 500) return fail("llm_error", true, true);
  if (status === 408) return fail("timeout", true);
  if (status === 400 || status === 404 || status === 413 || status === 422) {
    return fail("invalid_request");
  }
  return fail("llm_error");
}

/** An SSE `error` event sent mid-stream carries no status, only the error type. */
function fromStreamErrorEvent(type: string | null, fail: Fail): AttemptFailure {
  if (type === "overloaded_error") return fail("overloaded", true, true);
  if (type === "rate_limit_error") return fail("rate_limited", true);
  if (type === "api_error") return fail("llm_error", true, true);
  return fail("stream_interrupted", true);
}
