import { Hono } from "hono";
import pkg from "../../package.json" with { type: "json" };
import { loadConfig } from "../config.js";
import { requireAuth } from "./auth.js";
import type { AppEnv } from "./context.js";
import { notFound, onError } from "./on-error.js";
import { orgRateLimit } from "./org-rate-limit.js";
import { requestLog } from "./request-log.js";
import { agentRoutes } from "./routes/agents.js";
import { automatonRoutes, referenceAutomatonRoutes } from "./routes/automatons.js";
import { devSignInRoutes } from "./routes/dev-signin.js";
import { orgMetricsRoutes } from "./routes/metrics.js";
import { projectRoutes } from "./routes/projects.js";
import { proposeRoutes } from "./routes/propose.js";
import { streamRoutes } from "./routes/stream.js";
import { txRoutes } from "./routes/tx.js";
import { workspaceRoutes } from "./routes/workspace.js";

/**
 * The Worker's HTTP API. Every route but `/health` (and `/dev/signin`, which mints a token
 * only on the local stack) requires a valid JWT and counts against its org's request rate
 * limit (`ORG_RATE_LIMIT`, when bound). Every request leaves one `request` log line.
 *
 * @example
 * await app.request("/health"); // 200 {"status":"ok","version":"0.1.0"}
 */
export const app = new Hono<AppEnv>();

app.onError(onError);
app.notFound(notFound);
app.use("*", requestLog);

// Healthy means configured: a missing or bad setting answers 503 `config_error` naming the
// variable (in the message and as `details.setting`).
app.get("/health", (c) => {
  loadConfig(c.env);
  return c.json({ status: "ok", version: pkg.version });
});

// The web console's one-click sign-in: exists only on a stack `npm start` runs
// (AURA_DEV_SIGNIN=on), answers only its own loopback page; 404 everywhere else.
app.route("/dev/signin", devSignInRoutes);

app.use("/tx", requireAuth, orgRateLimit);
app.use("/tx/*", requireAuth, orgRateLimit);
app.use("/agents", requireAuth, orgRateLimit);
app.use("/agents/*", requireAuth, orgRateLimit);
app.use("/propose", requireAuth, orgRateLimit);
app.use("/api/*", requireAuth, orgRateLimit);
app.use("/ws/*", requireAuth, orgRateLimit);
app.use("/workspace/*", requireAuth, orgRateLimit);
app.use("/stream", requireAuth, orgRateLimit);
app.use("/stream/*", requireAuth, orgRateLimit);
app.use("/automatons", requireAuth, orgRateLimit);
app.use("/automatons/*", requireAuth, orgRateLimit);
app.use("/automaton/*", requireAuth, orgRateLimit);
app.use("/projects", requireAuth, orgRateLimit);
app.use("/projects/*", requireAuth, orgRateLimit);
app.use("/metrics", requireAuth, orgRateLimit);

app.route("/tx", txRoutes);
app.route("/agents", agentRoutes);
app.route("/automatons", automatonRoutes);
app.route("/automaton", referenceAutomatonRoutes);
app.route("/projects", projectRoutes);
app.route("/propose", proposeRoutes);
app.route("/metrics", orgMetricsRoutes);
app.route("/stream", streamRoutes);
app.route("/", workspaceRoutes);
