import { type Context, Hono } from "hono";
import { AuraError, unwrap } from "../../core/errors.js";
import { newItemId } from "../../core/ids.js";
import {
  CreateSpecRequest,
  CreateTaskRequest,
  ItemId,
  TransitionTaskRequest,
  UpdateSpecRequest,
  UpdateTaskRequest,
} from "../../protocol/projects.js";
import { readJson, validate } from "../body.js";
import type { AppEnv } from "../context.js";
import { executeOn, MAX_PROJECT_BODY_BYTES, projectTarget } from "./project-target.js";

/**
 * A project's specs and tasks: `/:id/specs[/:spec_id]`, `/:id/tasks[/:task_id]` and
 * `/:id/tasks/:task_id/transition`. Creates answer 201 with the item and its `id`; lists are
 * arrays in `order`; a delete answers `{id, deleted: true}`.
 *
 * @example
 * projectRoutes.route("/", projectItemRoutes);
 */
export const projectItemRoutes = new Hono<AppEnv>()
  .get("/:id/specs", async (c) => {
    const { address, stub } = projectTarget(c);
    return c.json(unwrap(await stub.specs(address)).specs);
  })
  .post("/:id/specs", async (c) => {
    const fields = await readJson(c, CreateSpecRequest, MAX_PROJECT_BODY_BYTES);
    const made = await executeOn(c, {
      type: "create_spec",
      now: Date.now(),
      spec_id: newItemId(),
      fields,
    });
    return c.json(made, 201);
  })
  .get("/:id/specs/:spec_id", async (c) => {
    const { address, stub } = projectTarget(c);
    const specId = itemParam(c, "spec_id");
    const spec = unwrap(await stub.specs(address)).specs.find((s) => s.id === specId);
    if (!spec) throw new AuraError("not_found", `spec ${specId} not found`);
    return c.json(spec);
  })
  .patch("/:id/specs/:spec_id", async (c) => {
    const patch = await readJson(c, UpdateSpecRequest, MAX_PROJECT_BODY_BYTES);
    const specId = itemParam(c, "spec_id");
    return c.json(
      await executeOn(c, { type: "update_spec", now: Date.now(), spec_id: specId, patch }),
    );
  })
  .delete("/:id/specs/:spec_id", async (c) => {
    const specId = itemParam(c, "spec_id");
    await executeOn(c, { type: "delete_spec", now: Date.now(), spec_id: specId });
    return c.json({ id: specId, deleted: true });
  })
  .get("/:id/tasks", async (c) => {
    const { address, stub } = projectTarget(c);
    return c.json(unwrap(await stub.tasks(address)).tasks);
  })
  .post("/:id/tasks", async (c) => {
    const fields = await readJson(c, CreateTaskRequest, MAX_PROJECT_BODY_BYTES);
    const made = await executeOn(c, {
      type: "create_task",
      now: Date.now(),
      task_id: newItemId(),
      fields,
    });
    return c.json(made, 201);
  })
  .get("/:id/tasks/:task_id", async (c) => {
    const { address, stub } = projectTarget(c);
    const taskId = itemParam(c, "task_id");
    const task = unwrap(await stub.tasks(address)).tasks.find((t) => t.id === taskId);
    if (!task) throw new AuraError("not_found", `task ${taskId} not found`);
    return c.json(task);
  })
  .patch("/:id/tasks/:task_id", async (c) => {
    const patch = await readJson(c, UpdateTaskRequest, MAX_PROJECT_BODY_BYTES);
    const taskId = itemParam(c, "task_id");
    return c.json(
      await executeOn(c, { type: "update_task", now: Date.now(), task_id: taskId, patch }),
    );
  })
  .delete("/:id/tasks/:task_id", async (c) => {
    const taskId = itemParam(c, "task_id");
    await executeOn(c, { type: "delete_task", now: Date.now(), task_id: taskId });
    return c.json({ id: taskId, deleted: true });
  })
  .post("/:id/tasks/:task_id/transition", async (c) => {
    const { status } = await readJson(c, TransitionTaskRequest, MAX_PROJECT_BODY_BYTES);
    const taskId = itemParam(c, "task_id");
    const now = Date.now();
    return c.json(await executeOn(c, { type: "transition_task", now, task_id: taskId, status }));
  });

function itemParam(c: Context<AppEnv>, name: "spec_id" | "task_id"): string {
  return validate(ItemId, c.req.param(name), name);
}
