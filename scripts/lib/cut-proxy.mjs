import { connect, createServer } from "node:net";

/**
 * A TCP proxy on 127.0.0.1 whose connections a test or benchmark can cut, and which can refuse
 * new ones for a while: a network that drops and comes back. Shared by the end-to-end tests,
 * the browser tests and the TUI benchmark (plain ESM, so the benchmark runs without
 * TypeScript; types for TypeScript importers are in cut-proxy.d.mts).
 */

/**
 * @typedef {object} CutProxy
 * @property {number} port the port the proxy listens on
 * @property {string} url `http://127.0.0.1:<port>`
 * @property {(options?: { refuse?: boolean }) => void} cut drops every open connection; with
 *   `refuse`, new ones are accepted and closed at once until `restore()`
 * @property {() => void} restore lets new connections through again
 * @property {() => Promise<void>} close drops every connection and stops listening
 */

/**
 * Starts a proxy to `127.0.0.1:targetPort`. `onServerData(chunk, at)` sees each chunk the
 * server sends, with `performance.now()` when it arrived.
 *
 * @param {number} targetPort
 * @param {{ onServerData?: (chunk: Buffer, at: number) => void }} [options]
 * @returns {Promise<CutProxy>}
 * @example
 * const proxy = await cutProxy(stack.port);
 * proxy.cut({ refuse: true }); // every connection drops; new ones are closed at once
 * proxy.restore();             // connections go through again
 * await proxy.close();
 */
export async function cutProxy(targetPort, options = {}) {
  /** @type {Set<import("node:net").Socket>} */
  const open = new Set();
  let refusing = false;
  const dropAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", drop);
      socket.on("close", drop);
    }
    upstream.on("data", (chunk) => options.onServerData?.(chunk, performance.now()));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    cut({ refuse = false } = {}) {
      refusing = refuse;
      dropAll();
    },
    restore() {
      refusing = false;
    },
    close() {
      refusing = true;
      dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
