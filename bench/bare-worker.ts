import { DurableObject } from "cloudflare:workers";

/**
 * Bench-only fixture: the cheapest durable write the platform offers, as the baseline
 * `npm run bench` compares the product's `POST /tx` against. Each request travels the same
 * hops as an admission — HTTP into a Worker, an RPC call into a SQLite-backed Durable
 * Object, one write, a 202 JSON answer — and does nothing else: no auth, no validation,
 * no hashing, exactly one `INSERT`.
 *
 * @example
 * // POST /bare/agent-7  body: any text up to 64 KiB
 * // → 202 {"accepted":true,"id":1}
 */
interface BareEnv {
  BARE: DurableObjectNamespace<BareDO>;
}

/** Largest body the fixture stores; the bench sends a few hundred bytes. */
const MAX_BODY_CHARS = 64 * 1024;

/** One object per name, with one append-only table. */
export class BareDO extends DurableObject<BareEnv> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: BareEnv) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)",
    );
  }

  /** Stores one body with exactly one INSERT and returns its row id. */
  insert(body: string): { id: number } {
    const row = this.#sql
      .exec<{ id: number }>("INSERT INTO item (body) VALUES (?) RETURNING id", body)
      .one();
    return { id: row.id };
  }
}

/** `POST /bare/:name` → the object `idFromName(name)`; anything else is 404. */
export default {
  async fetch(request: Request, env: BareEnv): Promise<Response> {
    const match = /^\/bare\/([^/]+)$/.exec(new URL(request.url).pathname);
    if (!match?.[1] || request.method !== "POST") {
      return Response.json(
        { error: { code: "not_found", message: "no such route" } },
        { status: 404 },
      );
    }
    const body = await request.text();
    if (body.length > MAX_BODY_CHARS) {
      return Response.json(
        { error: { code: "payload_too_large", message: "body too large" } },
        { status: 413 },
      );
    }
    const stub = env.BARE.get(env.BARE.idFromName(match[1]));
    const { id } = await stub.insert(body);
    return Response.json({ accepted: true, id }, { status: 202 });
  },
} satisfies ExportedHandler<BareEnv>;
