import { createServer } from "node:net";

/**
 * Whether nothing listens on `host:port` yet, found by briefly listening there.
 * @param {number} port
 * @param {string} [host]
 * @returns {Promise<boolean>}
 * @example
 * if (!(await isPortFree(8787))) console.error("AURA_PORT: 8787 is in use");
 */
export function isPortFree(port, host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (/** @type {NodeJS.ErrnoException} */ err) => {
      if (err.code === "EADDRINUSE" || err.code === "EACCES") resolve(false);
      else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Waits until nothing listens on `host:port` any more — a killed server's sockets close only
 * once its last thread has exited — for at most `timeoutMs`. Resolves whether it is free.
 * @param {number} port
 * @param {string} [host]
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
export async function waitForPortFree(port, host = "127.0.0.1", timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isPortFree(port, host)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
