import { describe, expect, it } from "vitest";
import { bodyOf, call, type ErrorResponse } from "../helpers.js";
import { freshOrg } from "./backpressure-helpers.js";
import { LIMITS } from "./limits.js";

/** `retry-after` of a request refused by the per-org limit: the binding's window. */
const ORG_RETRY_AFTER = "10";

describe("the per-org request rate limit (ORG_RATE_LIMIT)", () => {
  it("answers an org past its limit with 429 rate_limited and retry-after, and leaves another org unaffected", async () => {
    // Given two orgs
    const a = await freshOrg();
    const b = await freshOrg();

    // When org A sends requests one after another until one is refused (a window may reset
    // once on the way, so within twice the limit and one more, one is)
    let refused: Response | undefined;
    let sent = 0;
    while (refused === undefined && sent <= 2 * LIMITS.orgRequests) {
      const response = await call("GET", "/agents", { token: a.token });
      sent += 1;
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(200);
    }

    // Then it is refused as rate_limited with retry-after, after at least the limit's worth
    expect(refused?.headers.get("retry-after")).toBe(ORG_RETRY_AFTER);
    expect((await bodyOf<ErrorResponse>(refused as Response)).error.code).toBe("rate_limited");
    expect(sent).toBeGreaterThan(LIMITS.orgRequests);

    // And org B, right after, is served
    expect((await call("GET", "/agents", { token: b.token })).status).toBe(200);
  });

  it("does not count unauthenticated requests against any org", async () => {
    // Given an org
    const a = await freshOrg();

    // When requests without a token arrive, more than the limit
    for (let i = 0; i <= LIMITS.orgRequests; i++) {
      expect((await call("GET", "/agents")).status).toBe(401);
    }

    // Then the org is still served
    expect((await call("GET", "/agents", { token: a.token })).status).toBe(200);
  });
});
