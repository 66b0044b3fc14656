import type { Principal } from "../auth/verify-token.js";
import type { Config } from "../config.js";

/** Hono environment of the Worker: bindings plus what middleware resolves per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: { principal: Principal; config: Config };
}
