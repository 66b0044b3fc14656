import { createServer } from "node:http";
import { errorBody } from "./errors.mjs";
import { formatSse, toMessage, toStreamEvents } from "./messages.mjs";
import { checkRouterRequest } from "./router-auth.mjs";

/**
 * A fake Anthropic Messages API for tests: no test reaches the internet.
 *
 * Routes (all on 127.0.0.1):
 * - `POST /v1/messages` — the Messages API. Needs an API key, as `x-api-key` or as
 *   `Authorization: Bearer <key>` (how SDK 1.x sends it), equal to `apiKey` when one is
 *   configured. JSON response, or SSE when the body has `stream: true`.
 * - `POST /router/v1/messages` — the fake model router: the same API behind
 *   `Authorization: Bearer <jwt>` (HS256, `routerSecret`) and the `X-Aura-Agent-Id`,
 *   `X-Aura-Session-Id`, `X-Aura-Org-Id`, `X-Aura-Project-Id` headers; 401 for a missing or
 *   bad token, 400 for a missing header. Point a client's `baseURL` at `<url>/router`.
 * - `POST /__script` — replaces the queue of scripted outcomes (a JSON array, or
 *   `{ outcomes: [...] }`); each model call takes the next one, and an empty queue answers
 *   with a short text reply.
 * - `POST /__reset` — empties the queue and the request log.
 * - `GET /__requests` — every model call received (refused ones too): method, path,
 *   lower-cased headers and parsed body.
 * - `POST /__tool/echo` — a fake installed-tool endpoint: answers 200 with the JSON body it
 *   got and its `authorization`, `x-api-key`, `idempotency-key` and `x-aura-tool` headers;
 *   `POST /__tool/status/<code>` answers with that status; `POST /__tool/redirect/<code>?to=<url>`
 *   answers that 3xx status with `Location: <url>`.
 * - `GET /__tool/hits` — the URL (path and query) of every `/__tool/*` request received.
 *
 * Outcomes (any of them may carry `delay_ms`, waited before answering):
 * - `{ kind: "reply", content?, stop_reason?, usage?, model? }` — a message with text,
 *   thinking (`signature` optional) and tool_use blocks.
 * - `{ kind: "error", status, message?, error_type?, retry_after? }` — an HTTP error with an
 *   Anthropic-style body (`retry_after` becomes the `retry-after` header, as given).
 * - `{ kind: "cut", after_events, reply? }` — a stream that closes its socket after
 *   `after_events` SSE events (a JSON request gets its socket closed without an answer).
 */

/**
 * @typedef {import("./messages.mjs").Reply} Reply
 * @typedef {{ delay_ms?: number }} Delay
 * @typedef {(Delay & Reply & { kind: "reply" })
 *   | (Delay & { kind: "error", status: number, message?: string, error_type?: string, retry_after?: string | number })
 *   | (Delay & { kind: "cut", after_events: number, reply?: Reply })} Outcome
 * @typedef {{ method: string, path: string, headers: Record<string, string>, body: unknown }} RecordedRequest
 * @typedef {{ port?: number, host?: string, apiKey?: string, routerSecret?: string }} FakeAnthropicOptions
 * @typedef {{
 *   url: string,
 *   routerUrl: string,
 *   port: number,
 *   script(outcomes: Outcome[]): void,
 *   reset(): void,
 *   requests(): RecordedRequest[],
 *   close(): Promise<void>,
 * }} FakeAnthropic
 */

/**
 * Starts the fake on `host:port` (port 0: a free one).
 * @param {FakeAnthropicOptions} [options]
 * @returns {Promise<FakeAnthropic>}
 * @example
 * const fake = await startFakeAnthropic({ routerSecret: "s".repeat(32) });
 * fake.script([{ kind: "error", status: 429, retry_after: "1" }, { kind: "reply" }]);
 * const client = new Anthropic({ apiKey: "test", baseURL: fake.url, maxRetries: 0 });
 * await fake.close();
 */
export async function startFakeAnthropic(options = {}) {
  const host = options.host ?? "127.0.0.1";
  /** @type {Outcome[]} */
  let queue = [];
  /** @type {RecordedRequest[]} */
  let log = [];
  /** @type {string[]} */
  let toolHits = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, String(err)));
      else res.destroy();
    });
  });

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {import("node:http").ServerResponse} res
   */
  async function handle(req, res) {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const text = await readBody(req);
    if (req.method === "POST" && path === "/__script") {
      const parsed = JSON.parse(text || "[]");
      queue = Array.isArray(parsed) ? parsed : (parsed.outcomes ?? []);
      return sendJson(res, 200, { queued: queue.length });
    }
    if (req.method === "POST" && path === "/__reset") {
      queue = [];
      log = [];
      toolHits = [];
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === "GET" && path === "/__requests") return sendJson(res, 200, log);
    if (req.method === "GET" && path === "/__tool/hits") return sendJson(res, 200, toolHits);
    if (path.startsWith("/__tool/")) toolHits.push(req.url ?? path);
    const redirect = /^\/__tool\/redirect\/(3\d\d)$/.exec(path);
    if (req.method === "POST" && redirect) {
      const to = new URL(req.url ?? "/", "http://fake").searchParams.get("to") ?? "/";
      res.writeHead(Number(redirect[1]), { location: to, "content-length": "0" });
      return res.end();
    }
    if (req.method === "POST" && path === "/__tool/echo") {
      const pick = ["authorization", "x-api-key", "idempotency-key", "x-aura-tool"];
      const headers = Object.fromEntries(pick.map((h) => [h, req.headers[h] ?? null]));
      return sendJson(res, 200, { body: JSON.parse(text || "null"), headers });
    }
    const status = /^\/__tool\/status\/(\d{3})$/.exec(path);
    if (req.method === "POST" && status) {
      return sendJson(res, Number(status[1]), { error: `status ${status[1]}` });
    }

    const direct = path === "/v1/messages";
    const routed = path === "/router/v1/messages";
    if (req.method !== "POST" || !(direct || routed)) {
      return sendJson(res, 404, errorBody(404, `no route for ${req.method} ${path}`));
    }
    /** @type {unknown} */
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    log.push({ method: req.method, path, headers: flatHeaders(req.headers), body });

    const refusal = routed
      ? await checkRouterRequest(req.headers, options.routerSecret ?? "")
      : checkApiKey(req.headers, options.apiKey);
    if (refusal) return sendJson(res, refusal.status, errorBody(refusal.status, refusal.message));
    const invalid = checkMessagesBody(body);
    if (invalid) return sendJson(res, 400, errorBody(400, invalid));
    const request = /** @type {{ model: string, stream?: boolean }} */ (body);

    const outcome = queue.shift() ?? { kind: "reply" };
    if (outcome.delay_ms) await sleepUnlessClosed(outcome.delay_ms, res);
    if (res.destroyed) return;

    if (outcome.kind === "error") {
      /** @type {Record<string, string>} */
      const headers = {};
      if (outcome.retry_after !== undefined) headers["retry-after"] = String(outcome.retry_after);
      const err = errorBody(outcome.status, outcome.message, outcome.error_type);
      return sendJson(res, outcome.status, err, headers);
    }
    const reply = outcome.kind === "cut" ? (outcome.reply ?? {}) : outcome;
    const cutAfter = outcome.kind === "cut" ? outcome.after_events : undefined;
    if (request.stream !== true) {
      if (cutAfter !== undefined) return void res.destroy();
      return sendJson(res, 200, toMessage(reply, request.model));
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "request-id": requestId(),
    });
    const events = toStreamEvents(reply, request.model);
    for (const [i, e] of events.entries()) {
      if (cutAfter !== undefined && i >= cutAfter) {
        return void res.socket?.destroy();
      }
      await write(res, formatSse(e));
      if (res.destroyed) return;
    }
    res.end();
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port ?? 0, host }, () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const url = `http://${host}:${port}`;
  return {
    url,
    routerUrl: `${url}/router`,
    port,
    script: (outcomes) => {
      queue = [...outcomes];
    },
    reset: () => {
      queue = [];
      log = [];
      toolHits = [];
    },
    requests: () => structuredClone(log),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * @param {import("node:http").IncomingHttpHeaders} headers
 * @param {string | undefined} apiKey
 */
function checkApiKey(headers, apiKey) {
  const bearer = /^Bearer (.+)$/.exec(String(headers.authorization ?? ""))?.[1];
  const given = headers["x-api-key"] ?? bearer;
  if (!given || (apiKey !== undefined && given !== apiKey)) {
    return { status: 401, message: "invalid x-api-key" };
  }
  return undefined;
}

/**
 * The first problem with a Messages request body, as the API would name it.
 * @param {unknown} body
 * @returns {string | undefined}
 */
function checkMessagesBody(body) {
  if (typeof body !== "object" || body === null) return "request body must be a JSON object";
  const b = /** @type {Record<string, unknown>} */ (body);
  if (typeof b.model !== "string") return "model: Field required";
  if (typeof b.max_tokens !== "number") return "max_tokens: Field required";
  if (!Array.isArray(b.messages)) return "messages: Field required";
  return undefined;
}

/** @param {import("node:http").IncomingMessage} req */
async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** @param {import("node:http").IncomingHttpHeaders} headers */
function flatHeaders(headers) {
  /** @type {Record<string, string>} */
  const flat = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, {
    "content-type": "application/json",
    "request-id": requestId(),
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/**
 * Writes a chunk and waits until it is flushed, so a cut after it keeps it on the wire.
 * @param {import("node:http").ServerResponse} res
 * @param {string} chunk
 * @returns {Promise<void>}
 */
function write(res, chunk) {
  return new Promise((resolve) => {
    res.write(chunk, () => resolve());
  });
}

/**
 * Waits `ms`, ending early when the client goes away.
 * @param {number} ms
 * @param {import("node:http").ServerResponse} res
 * @returns {Promise<void>}
 */
function sleepUnlessClosed(ms, res) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once("close", done);
    function done() {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    }
  });
}

let requestCounter = 0;
function requestId() {
  return `req_fake_${++requestCounter}`;
}
