/**
 * Polls `GET <baseUrl>/health` until it answers `{"status":"ok"}`.
 * Resolves `true` when healthy, `false` when `gaveUp()` turns true first (the server
 * died), and rejects after `timeoutMs`.
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
    if (await isHealthy(baseUrl)) return true;
    if (Date.now() > deadline) {
      throw new Error(`${baseUrl}/health did not answer within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}

/** @param {string} baseUrl */
async function isHealthy(baseUrl) {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const body = await res.json();
    return body?.status === "ok";
  } catch {
    return false;
  }
}
