import type { GitRequest, GitResponse } from "../../../src/protocol/sandbox.js";
import { runCommandTool } from "../tools/run-command.js";
import type { ToolContext } from "../tools/tool-context.js";
import { ToolFailure } from "../tools/tool-failure.js";

/** Seconds a clone or a commit may take. */
const GIT_TIMEOUT_SECS = 120;

/** The identity the dev loop commits as. */
const AUTHOR = { name: "Aura dev-loop", email: "dev-loop@aura.invalid" };

/**
 * Options every git call here runs with: no hooks, no signing, no pager, the workspace
 * trusted whoever owns it, and only http(s) remotes.
 */
const GIT = [
  "git",
  "-c core.hooksPath=/dev/null",
  "-c core.pager=cat",
  "-c commit.gpgsign=false",
  "-c safe.directory='*'",
  "-c protocol.allow=never",
  "-c protocol.https.allow=always",
  "-c protocol.http.allow=always",
  `-c user.name=${quote(AUTHOR.name)}`,
  `-c user.email=${quote(AUTHOR.email)}`,
].join(" ");

/**
 * Runs one of the dev loop's git operations in the workspace, inside the OS sandbox exactly
 * as `run_command` runs a command (same confinement, environment and process-group
 * cleanup): git reads the workspace's own configuration, which a model may have written, so
 * it never runs on the host. Git's failure comes back as `{ok:false, error}`.
 *
 * @example
 * await gitOperation(ctx, { op: "commit", message: "task(ab12): add parser", marker: "task(ab12):" });
 * // { ok: true, sha: "3f…", existing: false }
 */
export async function gitOperation(ctx: ToolContext, request: GitRequest): Promise<GitResponse> {
  const script = request.op === "clone" ? cloneScript(request) : commitScript(request);
  let reply: Awaited<ReturnType<typeof runCommandTool>>;
  try {
    reply = await runCommandTool(
      { ...ctx, allowedCommands: undefined },
      { command: script, timeout_secs: GIT_TIMEOUT_SECS },
    );
  } catch (err) {
    if (err instanceof ToolFailure) return { ok: false, error: `${err.code}: ${err.message}` };
    throw err;
  }
  const last = reply.stdout.trim().split("\n").at(-1) ?? "";
  const match = /^(existing|new) ([0-9a-f]{40,64}|none)$/.exec(last);
  if (reply.errorCode !== undefined || !match) {
    const said = `${reply.stderr ?? ""}\n${reply.stdout}`.trim().slice(-2000);
    return { ok: false, error: `${reply.errorCode ?? "io_error"}: ${said || "git failed"}` };
  }
  return {
    ok: true,
    existing: match[1] === "existing",
    sha: match[2] === "none" ? null : (match[2] ?? null),
  };
}

function commitScript(request: Extract<GitRequest, { op: "commit" }>): string {
  return [
    "set -e",
    `[ -d .git ] || ${GIT} init -q`,
    `found=$(${GIT} log --format='%H%x09%s' 2>/dev/null | awk -F '\\t' -v m=${quote(request.marker)} 'index($2, m) == 1 { print $1; exit }') || true`,
    'if [ -n "$found" ]; then echo "existing $found"; exit 0; fi',
    `${GIT} add -A`,
    `${GIT} commit -q --no-verify --allow-empty -m ${quote(request.message)}`,
    `echo "new $(${GIT} rev-parse HEAD)"`,
  ].join("\n");
}

function cloneScript(request: Extract<GitRequest, { op: "clone" }>): string {
  const url = quote(request.url);
  const checkout =
    request.branch === undefined
      ? [
          `${GIT} fetch -q origin`,
          `${GIT} remote set-head origin -a >/dev/null`,
          `b=$(${GIT} symbolic-ref --short refs/remotes/origin/HEAD | sed 's#^origin/##')`,
          `${GIT} checkout -q -f -B "$b" "origin/$b"`,
        ]
      : [
          `${GIT} fetch -q origin ${quote(request.branch)}`,
          `${GIT} checkout -q -f -B ${quote(request.branch)} FETCH_HEAD`,
        ];
  return [
    "set -e",
    "if [ -d .git ]; then",
    `  cur=$(${GIT} remote get-url origin 2>/dev/null || true)`,
    `  if [ "$cur" != ${url} ]; then`,
    '    echo "the workspace is already a git repository (origin: $cur); not cloning over it" >&2',
    "    exit 3",
    "  fi",
    `  head=$(${GIT} rev-parse -q --verify HEAD || true)`,
    '  if [ -n "$head" ]; then echo "existing $head"; exit 0; fi',
    "else",
    `  ${GIT} init -q`,
    `  ${GIT} remote add origin ${url}`,
    "fi",
    ...checkout,
    `echo "new $(${GIT} rev-parse HEAD)"`,
  ].join("\n");
}

/** One shell word: `value` in single quotes. */
function quote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
