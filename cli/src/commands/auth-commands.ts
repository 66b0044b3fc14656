import type { Command } from "commander";
import { ApiError } from "../api/api-error.js";
import { HttpClient } from "../api/http-client.js";
import { credentialsPath, removeServer, saveServer } from "../config/credentials.js";
import { identityOf } from "../config/identity.js";
import { localDevToken, localStack } from "../config/local-token.js";
import { readSecretLine } from "../config/prompt.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connection, type GlobalOptions, outputFor } from "./context.js";
import type { Runner } from "./runner.js";

interface LoginOptions extends GlobalOptions {
  url?: string;
  token?: string;
  name?: string;
  local?: boolean;
}

/**
 * Logs in to the local stack (`npm start`): a dev token signed with its data dir's secret,
 * saved as server `local` and made current.
 *
 * @example
 * const { url } = await loginLocal();
 */
export async function loginLocal(env: NodeJS.ProcessEnv = process.env): Promise<{ url: string }> {
  const token = await localDevToken(env);
  const { url, dataDir } = localStack(env);
  if (!token) {
    throw new CliError(
      EXIT.unreachable_or_auth,
      `no dev secret in ${dataDir} and AURA_JWT_SECRET is not set: run \`npm start\` once first`,
    );
  }
  saveServer("local", { url, token }, credentialsPath(env));
  return { url };
}

/** `aura login | logout | whoami`. */
export function addAuthCommands(program: Command, run: Runner): void {
  program
    .command("login")
    .description("save a server's URL and token (prompts for the token when not given)")
    .option("--url <url>", "server URL", localStack().url)
    .option("--token <token>", "bearer token (JWT)")
    .option("--name <name>", "name of this server in the credentials", "default")
    .option("--local", "the local stack: a dev token from its data dir (AURA_DATA_DIR)")
    .action(
      run(async (opts: LoginOptions) => {
        const out = outputFor(opts);
        if (opts.local) {
          const { url } = await loginLocal();
          if (out.json) out.object({ server: "local", url, path: credentialsPath() });
          else out.line(`logged in to local (${url}); credentials in ${credentialsPath()}`);
          return;
        }
        const url = (opts.url ?? "").replace(/\/+$/, "");
        if (!/^https?:\/\/[^/]/.test(url))
          throw new CliError(EXIT.usage, `--url must be http(s)://…, not ${url}`);
        const token = (opts.token ?? (await readSecretLine("token: "))).trim();
        if (token === "") throw new CliError(EXIT.usage, "no token given");
        const name = opts.name ?? "default";
        const warning = await checkToken(url, token);
        saveServer(name, { url, token });
        if (warning) process.stderr.write(`aura: ${warning}\n`);
        if (out.json) out.object({ server: name, url, path: credentialsPath() });
        else out.line(`logged in to ${name} (${url}); credentials in ${credentialsPath()}`);
      }),
    );

  program
    .command("logout")
    .description("forget a server's token (the current one by default)")
    .option("--name <name>", "the server to forget")
    .action(
      run(async (opts: LoginOptions) => {
        const out = outputFor(opts);
        const removed = removeServer(opts.name ?? opts.server);
        if (out.json) out.object({ logged_out: removed ?? null });
        else out.line(removed === undefined ? "not logged in" : `logged out of ${removed}`);
      }),
    );

  program
    .command("whoami")
    .description("the current server, the token's user and org, and whether the server answers")
    .action(
      run(async (opts: GlobalOptions) => {
        const { name, entry } = connection(opts);
        const out = outputFor(opts);
        const who = await identityOf(name, entry);
        if (out.json) out.object(who);
        else {
          out.line(`server  ${who.server} (${who.url})`);
          out.line(`sub     ${who.sub ?? "?"}`);
          out.line(`org     ${who.org ?? "?"}`);
          if (who.expires) out.line(`expires ${who.expires}`);
          const health = who.health === "ok" ? out.color.green("ok") : out.color.red(who.health);
          out.line(`health  ${health}${who.version ? ` (version ${who.version})` : ""}`);
        }
        if (who.health !== "ok")
          throw new CliError(EXIT.unreachable_or_auth, `${who.url}: ${who.health}`);
      }),
    );
}

/** Refuses a token the server refuses; an unreachable server is only a warning. */
async function checkToken(url: string, token: string): Promise<string | undefined> {
  try {
    await new HttpClient(url, token).listAgents();
    return undefined;
  } catch (err) {
    if (err instanceof ApiError && (err.code === "unauthorized" || err.code === "forbidden")) {
      throw new CliError(EXIT.unreachable_or_auth, `${url} refused the token: ${err.message}`);
    }
    return `saved, but could not check the token: ${err instanceof Error ? err.message : err}`;
  }
}
