/** How a model call is retried: attempts per model, backoff, and the `retry-after` cap. */
export interface RetryPolicy {
  /** Attempts per model, the first included. */
  maxAttempts: number;
  /** Wait before the first retry; each later retry waits twice the one before. */
  baseDelayMs: number;
  /** Longest wait a `retry-after` header may ask for. */
  maxRetryAfterMs: number;
}

/** Three attempts, waiting 1 s then 2 s, and at most 30 s when the server asks for longer. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 1000,
  maxRetryAfterMs: 30_000,
});

/** Waits `ms`; rejects early, with the signal's reason, when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The wait before retry number `retry` (1 for the first retry): `base`, `2·base`, `4·base`…
 *
 * @example
 * backoffMs(2, 1000); // 2000
 */
export function backoffMs(retry: number, baseDelayMs: number): number {
  return baseDelayMs * 2 ** (retry - 1);
}

/**
 * The wait a `retry-after` header asks for, in milliseconds: delta-seconds or an HTTP date,
 * capped at `maxMs`. `undefined` when the header is absent or unreadable.
 *
 * @example
 * parseRetryAfter("2", Date.now(), 30_000); // 2000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.now(), 30_000); // 0 (in the past)
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number,
  maxMs: number,
): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Math.ceil(Number(text) * 1000);
  else if (/^[A-Za-z]{3}, /.test(text)) {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - now);
  } else return undefined;
  return Math.min(ms, maxMs);
}

/**
 * `setTimeout` as a promise that an abort signal cuts short.
 *
 * @example
 * await sleep(1000, controller.signal);
 */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
