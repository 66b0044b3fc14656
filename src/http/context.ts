import type { Principal } from "../auth/verify-token.js";
import type { Config } from "../config.js";

/** Hono environment of the Worker: bindings plus what middleware resolves per request. */
export interface AppEnv {
  Bindings: Env;
  /** `token` is the caller's raw JWT: proxy-mode model calls forward it to the router. */
  Variables: {
    principal: Principal;
    config: Config;
    token: string;
    /** Set once the request was counted against its org's rate limit. */
    orgRateCounted?: boolean;
  };
}
