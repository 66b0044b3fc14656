import { Hono } from "hono";
import { directoryStub } from "../../../durable-objects/directory-do.js";
import { projectStub } from "../../../durable-objects/stubs.js";
import { unwrap } from "../../core/errors.js";
import { newAgentId } from "../../core/ids.js";
import { RecordQuery } from "../../protocol/agents.js";
import {
  CreateProjectRequest,
  type Project,
  UpdateProjectRequest,
} from "../../protocol/projects.js";
import { readJson, validate } from "../body.js";
import type { AppEnv } from "../context.js";
import { projectItemRoutes } from "./project-items.js";
import { executeOn, MAX_PROJECT_BODY_BYTES, projectTarget } from "./project-target.js";
import { projectWorkspaceRoutes } from "./project-workspace.js";

/** Projects listed at most (in creation order). */
const MAX_LISTED_PROJECTS = 1000;

/**
 * `/projects` routes: the org's projects, one project, its record and verification; specs
 * and tasks (`project-items.ts`) and the workspace (`project-workspace.ts`) below it.
 *
 * @example
 * app.route("/projects", projectRoutes);
 */
export const projectRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { org } = c.get("principal");
    const ids = await directoryStub(c.env, org).listProjects(MAX_LISTED_PROJECTS);
    const found = await Promise.all(
      ids.map(async (id) => {
        const result = await projectStub(c.env, org, id).project({ org, project_id: id });
        // A project deleted after it was listed is left out.
        return result.ok ? result.project : undefined;
      }),
    );
    return c.json(found.filter((p): p is Project => p !== undefined));
  })
  .post("/", async (c) => {
    const fields = await readJson(c, CreateProjectRequest, MAX_PROJECT_BODY_BYTES);
    const { org } = c.get("principal");
    const projectId = newAgentId();
    const now = Date.now();
    // Listed first: a list skips a project whose object does not exist (yet, or any more).
    await directoryStub(c.env, org).registerProject(projectId, now);
    const made = await executeOn(
      c,
      { type: "create_project", now, project_id: projectId, fields },
      projectId,
    );
    return c.json(made, 201);
  })
  .get("/:id", async (c) => {
    const { address, stub } = projectTarget(c);
    return c.json(unwrap(await stub.project(address)).project);
  })
  .patch("/:id", async (c) => {
    const patch = await readJson(c, UpdateProjectRequest, MAX_PROJECT_BODY_BYTES);
    return c.json(await executeOn(c, { type: "update_project", now: Date.now(), patch }));
  })
  .delete("/:id", async (c) => {
    const { address } = projectTarget(c);
    await executeOn(c, { type: "delete_project", now: Date.now() });
    await directoryStub(c.env, address.org).unregisterProject(address.project_id);
    return c.json({ id: address.project_id, deleted: true });
  })
  .get("/:id/record", async (c) => {
    const { address, stub } = projectTarget(c);
    const query = validate(RecordQuery, c.req.query(), "query");
    const { json } = unwrap(await stub.record(address, query.from_seq, query.limit));
    return c.body(json, 200, { "content-type": "application/json" });
  })
  .get("/:id/verify", async (c) => {
    const { address, stub } = projectTarget(c);
    return c.json(unwrap(await stub.verify(address)).report);
  })
  .route("/", projectItemRoutes)
  .route("/", projectWorkspaceRoutes);
