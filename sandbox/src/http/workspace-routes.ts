import type { IncomingMessage, ServerResponse } from "node:http";
import {
  DispatchRequest,
  type FilesResponse,
  GitRequest,
  type ReadFileResponse,
} from "../../../src/protocol/sandbox.js";
import { SandboxError } from "../errors.js";
import type { IdempotentDispatch } from "../outcomes/idempotent-dispatch.js";
import { runTool } from "../tools/run-tool.js";
import { MAX_TEXT_FILE_BYTES, type ToolContext } from "../tools/tool-context.js";
import { fsFailure, ToolFailure } from "../tools/tool-failure.js";
import { type ConfinedPath, confinePath } from "../workspace/confine.js";
import { fileTree } from "../workspace/file-tree.js";
import { gitLog } from "../workspace/git-log.js";
import { gitOperation } from "../workspace/git-ops.js";
import { openRegularFile, readFromStart } from "../workspace/regular-file.js";
import { MAX_BODY_BYTES, readJsonBody } from "./body.js";
import { sendJson } from "./reply.js";

/** Default `depth` of `GET …/files`. */
const DEFAULT_TREE_DEPTH = 3;
/** Default `limit` of `GET …/commits`. */
const DEFAULT_COMMITS = 100;

/**
 * `POST …/dispatch`: validates the body, then runs the tool once per `action_id` (see
 * {@link IdempotentDispatch}). Always 200 once the body is valid: a failed tool is a result.
 *
 * @example
 * await handleDispatch(req, res, ctx, dispatcher);
 */
export async function handleDispatch(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ToolContext,
  dispatcher: IdempotentDispatch,
): Promise<void> {
  const request = await readJsonBody(req, DispatchRequest, MAX_BODY_BYTES);
  const response = await dispatcher.dispatch(
    ctx.workspace.id,
    request.action_id,
    request.tool,
    () => runTool(ctx, request.tool, request.args),
  );
  sendJson(res, 200, response);
}

/**
 * `GET …/files?path=.&depth=3`: the workspace's files tree (see {@link fileTree}); `depth` is
 * clamped to 0..20. A refused or missing path is `{ok:false, error:"<code>: <why>"}`.
 *
 * @example
 * await handleFiles(url, res, ctx); // { ok: true, entries: [...] }
 */
export async function handleFiles(url: URL, res: ServerResponse, ctx: ToolContext): Promise<void> {
  const depthParam = Number.parseInt(url.searchParams.get("depth") ?? "", 10);
  const depth = Number.isNaN(depthParam) ? DEFAULT_TREE_DEPTH : depthParam;
  let body: FilesResponse;
  try {
    const dir = await confinePath(ctx.workspace, url.searchParams.get("path") || ".");
    const entries = await fileTree(ctx.workspace.root, dir.abs, depth).catch((err: unknown) => {
      throw fsFailure(err, dir.rel);
    });
    body = { ok: true, entries };
  } catch (err) {
    body = { ok: false, error: describe(err) };
  }
  sendJson(res, 200, body);
}

/**
 * `GET …/read-file?path=`: a file's UTF-8 text (at most 5 MB) and its workspace-relative
 * path. A missing `path` parameter is 400; a refused or unreadable path (hard-linked and special
 * files included, as for `read_file`) is `{ok:false, error}`.
 *
 * @example
 * await handleReadFile(url, res, ctx); // { ok: true, content: "…", path: "README.md" }
 */
export async function handleReadFile(
  url: URL,
  res: ServerResponse,
  ctx: ToolContext,
): Promise<void> {
  const requested = url.searchParams.get("path");
  if (!requested) throw new SandboxError("invalid_request", "path: query parameter is required");
  let body: ReadFileResponse;
  try {
    const file = await confinePath(ctx.workspace, requested);
    const content = await readSmallText(ctx, file);
    body = { ok: true, content, path: file.rel };
  } catch (err) {
    body = { ok: false, error: describe(err) };
  }
  sendJson(res, 200, body);
}

/**
 * `GET …/commits?limit=100`: the workspace's `git log` (see {@link gitLog}); `[]` when it has
 * no repository or no commit.
 *
 * @example
 * await handleCommits(url, res, ctx); // [{ sha, message, time }]
 */
export async function handleCommits(
  url: URL,
  res: ServerResponse,
  ctx: ToolContext,
): Promise<void> {
  const limitParam = Number.parseInt(url.searchParams.get("limit") ?? "", 10);
  const limit = Number.isNaN(limitParam) ? DEFAULT_COMMITS : limitParam;
  sendJson(res, 200, await gitLog(ctx.workspace.root, limit));
}

/**
 * `POST …/git`: a clone or a commit of the dev loop, run inside the OS sandbox (see
 * {@link gitOperation}). Always 200 once the body is valid: a failed git is `{ok:false}`.
 *
 * @example
 * await handleGit(req, res, ctx); // { ok: true, sha: "3f…", existing: false }
 */
export async function handleGit(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ToolContext,
): Promise<void> {
  const request = await readJsonBody(req, GitRequest, MAX_BODY_BYTES);
  sendJson(res, 200, await gitOperation(ctx, request));
}

async function readSmallText(ctx: ToolContext, file: ConfinedPath): Promise<string> {
  const { handle, info } = await openRegularFile(ctx.workspace, file, "read");
  try {
    if (info.size > MAX_TEXT_FILE_BYTES) {
      throw new ToolFailure(
        "size_limit_exceeded",
        `${file.rel}: ${info.size} bytes is over the ${MAX_TEXT_FILE_BYTES}-byte read limit`,
      );
    }
    return (await readFromStart(handle, info.size)).toString("utf8");
  } catch (err) {
    throw fsFailure(err, file.rel);
  } finally {
    await handle.close();
  }
}

function describe(err: unknown): string {
  const failure = err instanceof ToolFailure ? err : fsFailure(err, "path");
  return `${failure.code}: ${failure.message}`;
}
