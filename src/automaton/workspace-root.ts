import { type Failure, fail } from "../core/errors.js";
import { checkProjectPath } from "../session/workspace-path.js";

/**
 * The folder of the workspace a client's `workspace_root` maps to: the mapping `/stream`
 * gives `session_init.project_path` (`checkProjectPath`) — an absolute host path becomes
 * `projects/<slug>-<hash>`, a relative one is checked and normalised — or an
 * `invalid_request` naming the field.
 *
 * @example
 * workspacePathOf("/home/ann/My App"); // { ok: true, path: "projects/my-app-<12 hex>" }
 * workspacePathOf("/home/ann/../etc").ok; // false: "workspace_root: must not contain '..' segments"
 */
export function workspacePathOf(root: string): { ok: true; path: string } | Failure {
  const checked = checkProjectPath(root);
  if (checked.ok) return checked;
  const why = checked.error.message.replace(/^project_path /, "");
  return fail("invalid_request", `workspace_root: ${why}`);
}
