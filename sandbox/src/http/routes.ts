/** The routes under `/v1/workspaces/:workspace/`. */
export const WORKSPACE_ROUTES = [
  "dispatch",
  "files",
  "read-file",
  "commits",
  "git",
  "terminal",
] as const;
export type WorkspaceRoute = (typeof WORKSPACE_ROUTES)[number];

/** The method each workspace route answers. */
export const ROUTE_METHOD: Record<WorkspaceRoute, "GET" | "POST"> = {
  dispatch: "POST",
  files: "GET",
  "read-file": "GET",
  commits: "GET",
  git: "POST",
  terminal: "GET",
};

const WORKSPACE_PATH = /^\/v1\/workspaces\/([^/]+)\/([^/]+)$/;

/** A matched workspace route; `workspace` is the raw path segment, not yet validated. */
export interface MatchedRoute {
  route: WorkspaceRoute;
  workspace: string;
}

/**
 * Matches a request path against the workspace routes.
 *
 * @example
 * matchRoute("/v1/workspaces/ab12…/dispatch"); // { route: "dispatch", workspace: "ab12…" }
 * matchRoute("/nope"); // undefined
 */
export function matchRoute(pathname: string): MatchedRoute | undefined {
  const match = WORKSPACE_PATH.exec(pathname);
  const route = WORKSPACE_ROUTES.find((name) => name === match?.[2]);
  if (!match?.[1] || route === undefined) return undefined;
  return { workspace: match[1], route };
}
