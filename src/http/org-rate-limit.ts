import { createMiddleware } from "hono/factory";
import { AuraError } from "../core/errors.js";
import type { AppEnv } from "./context.js";

/**
 * Seconds a refused caller waits: the window `wrangler.toml` gives `ORG_RATE_LIMIT`
 * (`period = 10`), the longest a full window can take to reopen.
 */
export const ORG_RETRY_AFTER_S = 10;

/**
 * The per-org request limit, after {@link requireAuth}: each authenticated request counts once
 * against its token's org in the Workers Rate Limiting binding `ORG_RATE_LIMIT`; past the
 * window's limit it is answered `429 rate_limited` with `retry-after` and goes no further.
 * Without the binding there is no per-org limit.
 *
 * @example
 * app.use("/tx", requireAuth, orgRateLimit);
 */
export const orgRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const limiter: RateLimit | undefined = c.env.ORG_RATE_LIMIT;
  // A path two patterns match (`/tx` and `/tx/*`) is counted once.
  if (limiter === undefined || c.get("orgRateCounted") === true) return next();
  c.set("orgRateCounted", true);
  const { org } = c.get("principal");
  const { success } = await limiter.limit({ key: org });
  if (!success) {
    throw new AuraError("rate_limited", `too many requests for org ${org}; retry later`, {
      retry_after: ORG_RETRY_AFTER_S,
    });
  }
  await next();
});
