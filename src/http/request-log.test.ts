import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuraError } from "../core/errors.js";
import type { AppEnv } from "./context.js";
import { notFound, onError } from "./on-error.js";
import { requestLog } from "./request-log.js";

const AGENT = "d".repeat(64);
const TX = "e".repeat(64);
const SECRET = "query-token-7f3a9c";

/** A small app with the Worker's error handlers and request log, and a fake sign-in. */
function appWithLog(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(notFound);
  app.use("*", requestLog);
  app.use("/agents/*", async (c, next) => {
    c.set("principal", { org: "acme", sub: "user", exp: 0 });
    await next();
  });
  app.get("/agents/:id/head", (c) => c.json({ ok: true }));
  app.post("/agents/:id/tx", () => {
    throw new AuraError("invalid_request", `payload: "${SECRET}" is not base64`);
  });
  app.get("/tx/status/:agent_id/:tx_id", (c) => c.json({ status: "processed" }));
  app.get("/boom", () => {
    throw new Error(`lost the socket holding "${SECRET}"`);
  });
  return app;
}

/** Every console line written while `run` runs, parsed, with its console method. */
async function logged(run: () => unknown): Promise<Record<string, unknown>[]> {
  const methods = ["debug", "info", "warn", "error"] as const;
  const spies = methods.map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
  await run();
  const raw = spies.flatMap((spy) => spy.mock.calls.map((call) => String(call[0])));
  for (const line of raw) expect(line).not.toContain(SECRET);
  return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const env = (level?: string) => (level === undefined ? {} : { AURA_LOG_LEVEL: level }) as Env;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("requestLog", () => {
  it("given a request to a route with an agent id and a query token, when answered, then one line carries the route pattern, org and agent but not the path or query", async () => {
    const app = appWithLog();
    const lines = await logged(() =>
      app.request(`/agents/${AGENT}/head?token=${SECRET}`, {}, env()),
    );
    expect(lines).toEqual([
      {
        ts: expect.any(String),
        level: "info",
        event: "request",
        method: "GET",
        route: "/agents/:id/head",
        status: 200,
        duration_ms: expect.any(Number),
        outcome: "ok",
        org: "acme",
        agent_id: AGENT,
      },
    ]);
  });

  it("given a transaction status request, when answered, then the line names the agent and the transaction", async () => {
    const lines = await logged(() => appWithLog().request(`/tx/status/${AGENT}/${TX}`, {}, env()));
    expect(lines[0]).toMatchObject({
      route: "/tx/status/:agent_id/:tx_id",
      agent_id: AGENT,
      tx_id: TX,
    });
  });

  it("given a path segment that is not an agent id, when logged, then it is left out", async () => {
    const lines = await logged(() => appWithLog().request(`/agents/${SECRET}/head`, {}, env()));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toHaveProperty("agent_id");
  });

  it("given a client error, when logged, then the line has its code and status but not its message", async () => {
    const lines = await logged(() =>
      appWithLog().request(`/agents/${AGENT}/tx`, { method: "POST" }, env()),
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        status: 400,
        outcome: "client_error",
        error_code: "invalid_request",
      }),
    ]);
  });

  it("given an unknown route, when answered 404, then the line has no route and the not_found code", async () => {
    const lines = await logged(() =>
      appWithLog().request(`/nowhere/${SECRET}?token=${SECRET}`, {}, env()),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 404, error_code: "not_found" });
    expect(lines[0]).not.toHaveProperty("route");
  });

  it("given a handler that throws, when answered 500, then an unhandled_error line with the redacted message precedes an error-level request line", async () => {
    const lines = await logged(() => appWithLog().request("/boom", {}, env()));
    expect(lines).toEqual([
      expect.objectContaining({
        level: "error",
        event: "unhandled_error",
        error_name: "Error",
        error_message: 'lost the socket holding "…"',
      }),
      expect.objectContaining({
        level: "error",
        event: "request",
        route: "/boom",
        status: 500,
        outcome: "server_error",
        error_code: "internal",
      }),
    ]);
  });

  it("given AURA_LOG_LEVEL=warn, when requests succeed and fail, then only the server error is logged", async () => {
    const app = appWithLog();
    const lines = await logged(async () => {
      await app.request(`/agents/${AGENT}/head`, {}, env("warn"));
      await app.request(`/agents/${AGENT}/tx`, { method: "POST" }, env("warn"));
      await app.request("/boom", {}, env("warn"));
    });
    expect(lines.map((l) => [l.event, l.status])).toEqual([
      ["unhandled_error", undefined],
      ["request", 500],
    ]);
  });
});
