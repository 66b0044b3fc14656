/**
 * The HS256 secret the Worker runs with in the Workers tier. The vitest config binds it as
 * `AURA_JWT_SECRET`; tests sign their tokens with it.
 */
export const TEST_JWT_SECRET = "workers-tier-hs256-test-secret-0123456789abcdef";

/** The secret the Worker signs sandbox tokens with in the Workers tier (`SANDBOX_TOKEN_SECRET`). */
export const TEST_SANDBOX_SECRET = "workers-tier-sandbox-token-secret-0123456789abcdef";
