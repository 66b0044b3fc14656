/**
 * Polls `GET <baseUrl>/health` until it answers `{"status":"ok"}`.
 * Resolves `true` when healthy, `false` when `gaveUp()` turns true first (the server
 * died), and rejects after `timeoutMs` — or at once when the Worker reports its
 * configuration invalid (`config_error`, whose message names the variable).
 *
 * @param {string} baseUrl
 * @param {{ timeoutMs?: number, intervalMs?: number, gaveUp?: () => boolean }} [options]
 * @returns {Promise<boolean>}
 * @example
 * await waitForHealth("http://127.0.0.1:8787", { gaveUp: () => exited });
 */
export async function waitForHealth(
  baseUrl,
  { timeoutMs = 120_000, intervalMs = 150, gaveUp = () => false } = {},
) {
  const deadline = Date.now() + timeoutMs;
  while (!gaveUp()) {
    const health = await checkHealth(baseUrl);
    if (health === "ok") return true;
    if (health !== undefined)
      throw new Error(`the Worker's configuration is invalid: ${health.configError}`);
    if (Date.now() > deadline) {
      throw new Error(`${baseUrl}/health did not answer within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}

/**
 * `"ok"` when healthy, `{ configError }` when the Worker refuses its configuration,
 * `undefined` while it is not answering yet.
 * @param {string} baseUrl
 * @returns {Promise<"ok" | { configError: string } | undefined>}
 */
async function checkHealth(baseUrl) {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
    const body = await res.json();
    if (res.ok && body?.status === "ok") return "ok";
    if (body?.error?.code === "config_error") return { configError: String(body.error.message) };
    return undefined;
  } catch {
    return undefined;
  }
}
