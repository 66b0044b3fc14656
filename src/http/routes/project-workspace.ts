import { type Context, Hono } from "hono";
import { z } from "zod";
import { unwrap } from "../../core/errors.js";
import { ProjectFilesQuery, ProjectReadFileQuery } from "../../protocol/projects.js";
import type { SandboxClient } from "../../tools/sandbox-client.js";
import { projectWorkspaceIdOf } from "../../tools/workspace-id.js";
import { validate } from "../body.js";
import type { AppEnv } from "../context.js";
import { configuredSandbox } from "../sandbox-access.js";
import { projectTarget } from "./project-target.js";

const CommitsQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .default(100)
    .transform((n) => Math.min(1000, Math.max(1, n))),
});

/**
 * A project's own sandbox workspace (where its dev loop works): `/:id/files`,
 * `/:id/read-file` and `/:id/commits` (its `git log`). The project must exist in the caller's
 * org; the sandbox only sees a token scoped to the project's workspace.
 *
 * @example
 * projectRoutes.route("/", projectWorkspaceRoutes);
 */
export const projectWorkspaceRoutes = new Hono<AppEnv>()
  .get("/:id/files", async (c) => {
    const q = validate(ProjectFilesQuery, c.req.query(), "query");
    const { client, workspace } = await workspaceOf(c);
    return c.json(await client.files(workspace, q.path, q.depth));
  })
  .get("/:id/read-file", async (c) => {
    const q = validate(ProjectReadFileQuery, c.req.query(), "query");
    const { client, workspace } = await workspaceOf(c);
    return c.json(await client.readFile(workspace, q.path));
  })
  .get("/:id/commits", async (c) => {
    const q = validate(CommitsQuery, c.req.query(), "query");
    const { client, workspace } = await workspaceOf(c);
    return c.json(await client.commits(workspace, q.limit));
  });

async function workspaceOf(
  c: Context<AppEnv>,
): Promise<{ client: SandboxClient; workspace: string }> {
  const { address, stub } = projectTarget(c);
  unwrap(await stub.project(address));
  return {
    client: configuredSandbox(c),
    workspace: projectWorkspaceIdOf(address.org, address.project_id),
  };
}
