/**
 * @typedef {object} LoadRequest
 * @property {string} method
 * @property {string} path
 * @property {string} [body]
 * @property {Record<string, string>} [headers]
 */

/**
 * @typedef {object} LoadOptions
 * @property {{ request: (m: string, p: string, b?: string, h?: Record<string, string>) => Promise<{ status: number, body: string, ms: number }> }} client
 * @property {number} concurrency Requests kept in flight.
 * @property {number} durationMs Stop sending after this long…
 * @property {number} maxRequests …or after this many requests, whichever comes first.
 * @property {number} [minRequests] Keep going past the time budget until this many are sent.
 * @property {(n: number) => LoadRequest} next Builds the n-th request (0-based).
 * @property {number} expectStatus The status that counts as success.
 * @property {(n: number, body: string) => void} [onOk] Sees each successful answer.
 * @property {boolean} [waitOut429] A `429` (the agent's inbox or the org's request limit is
 *   full; nothing was admitted) is waited out for the `retry_after` seconds it names and the
 *   same request sent again, as a client should; counted in `refused`, not in `errors`.
 */

/**
 * @typedef {object} LoadRun
 * @property {number[]} latencies Milliseconds of each successful request.
 * @property {number} errors Requests that failed or had another status.
 * @property {string | undefined} firstError What the first failure looked like.
 * @property {number} refused 429s waited out and sent again (with `waitOut429`).
 * @property {number} elapsedMs Wall time until the last in-flight request returned.
 */

/**
 * Closed-loop load: `concurrency` workers each send a request, wait for its answer and send
 * the next, until the time or request budget is spent. Every request is numbered, so
 * `next(n)` decides where it goes (one object, or round-robin over many).
 *
 * @example
 * const run = await runLoad({ client, concurrency: 50, durationMs: 3000, maxRequests: 1e5,
 *   next: (n) => ({ method: "POST", path: `/bare/o${n % 50}`, body: "{}" }), expectStatus: 202 });
 * @param {LoadOptions} options
 * @returns {Promise<LoadRun>}
 */
export async function runLoad(options) {
  const { client, concurrency, durationMs, maxRequests, next, expectStatus, onOk } = options;
  const minRequests = options.minRequests ?? 0;
  const latencies = [];
  let errors = 0;
  let refused = 0;
  let firstError;
  let issued = 0;
  const started = performance.now();
  const deadline = started + durationMs;

  async function worker() {
    while (issued < maxRequests && (issued < minRequests || performance.now() < deadline)) {
      const n = issued++;
      const spec = next(n);
      try {
        let res = await client.request(spec.method, spec.path, spec.body, spec.headers);
        while (options.waitOut429 === true && res.status === 429) {
          refused++;
          await new Promise((r) => setTimeout(r, retryAfterMs(res.body)));
          res = await client.request(spec.method, spec.path, spec.body, spec.headers);
        }
        if (res.status === expectStatus) {
          latencies.push(res.ms);
          onOk?.(n, res.body);
        } else {
          errors++;
          firstError ??= `HTTP ${res.status} ${res.body.slice(0, 200)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  }

  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, errors, refused, firstError, elapsedMs: performance.now() - started };
}

/**
 * How long a `429` answer says to wait: its error's `details.retry_after` seconds (the same
 * as its `retry-after` header), 1 s when it names none.
 * @param {string} body
 */
function retryAfterMs(body) {
  try {
    const seconds = Number(JSON.parse(body)?.error?.details?.retry_after);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
  } catch {
    return 1000;
  }
}
