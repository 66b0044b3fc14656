import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP server for the client's tests: fixed JSON replies by `"METHOD /path"`. */
export interface JsonServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Each request as `"METHOD /path?query"`, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that answers `"METHOD /path"` (the query left out) with
 * `routes[key]` as JSON and status 200, and anything else with the API's `not_found` body
 * and 404. The client's code then runs over real HTTP, as against the Worker.
 *
 * @example
 * const server = await serveJson({ "GET /health": { status: "ok" } });
 * await new HttpClient(server.url, "t").health(); // { status: "ok" }
 * await server.close();
 */
export async function serveJson(routes: Record<string, unknown>): Promise<JsonServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const key = `${req.method ?? "GET"} ${url.pathname}`;
    requests.push(`${req.method ?? "GET"} ${url.pathname}${url.search}`);
    req.resume();
    const found = Object.hasOwn(routes, key);
    res.writeHead(found ? 200 : 404, { "content-type": "application/json" });
    res.end(
      JSON.stringify(found ? routes[key] : { error: { code: "not_found", message: `no ${key}` } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
