import { mkdir, realpath } from "node:fs/promises";
import path from "node:path";
import type { Workspace } from "./confine.js";

/** Opens per-agent workspaces under one data root. */
export interface Workspaces {
  /**
   * The workspace `id` (already validated as 64 lowercase hex), its directory
   * `<root>/workspaces/<id>/` created on first use.
   */
  open(id: string): Promise<Workspace>;
}

/**
 * Workspaces under `dataRoot`. The real path of each is computed once and cached, so every
 * later confinement check compares against a symlink-free root.
 *
 * @example
 * const workspace = await createWorkspaces("/data/sandbox").open(id);
 * // workspace.root === "/data/sandbox/workspaces/<id>"
 */
export function createWorkspaces(dataRoot: string): Workspaces {
  const opened = new Map<string, Promise<Workspace>>();
  return {
    open(id) {
      let workspace = opened.get(id);
      if (workspace === undefined) {
        workspace = openWorkspace(dataRoot, id);
        opened.set(id, workspace);
        // A failed open (disk full, permissions) is retried by the next request.
        workspace.catch(() => opened.delete(id));
      }
      return workspace;
    },
  };
}

async function openWorkspace(dataRoot: string, id: string): Promise<Workspace> {
  const dir = path.join(dataRoot, "workspaces", id);
  await mkdir(dir, { recursive: true });
  return { id, root: await realpath(dir) };
}
