/**
 * The backpressure limits the `workers-limits` project runs with (small, so a test reaches
 * them): `AURA_INBOX_LIMIT`, `AURA_MAX_SESSIONS_PER_AGENT`, and the `ORG_RATE_LIMIT` binding's
 * requests per org per 60 s.
 */
export const LIMITS = { inbox: 4, sessions: 2, orgRequests: 40 } as const;
