/** Why each reasoner mode is in effect, for the ready message. */
const REASONER_NOTES = {
  mock: "mock (no AURA_ANTHROPIC_API_KEY or AURA_ROUTER_URL set)",
  direct: "direct (Anthropic API)",
  proxy: "proxy (AURA_ROUTER_URL)",
};

/**
 * The message `npm start` prints once the stack answers: where it is, how it reasons,
 * and a token with a request to paste.
 *
 * @param {{
 *   url: string,
 *   sandbox: { url: string, root: string },
 *   reasoner: keyof typeof REASONER_NOTES,
 *   dataDir: string,
 *   auth: string,
 *   token?: { value: string, org: string, ttlDays: number },
 *   client?: string,
 * }} ready
 * @returns {string}
 * @example
 * console.log(readyBanner({ url, sandbox, reasoner: "mock", dataDir, auth: "dev secret", token }));
 */
export function readyBanner({ url, sandbox, reasoner, dataDir, auth, token, client }) {
  const lines = [
    "",
    `Aura Swarm is running at ${url}`,
    `  sandbox   ${sandbox.url} (data in ${sandbox.root}; answers only tokens the Worker signs)`,
    `  reasoner  ${REASONER_NOTES[reasoner]}`,
    `  data      ${dataDir}`,
    `  auth      ${auth}`,
    "",
  ];
  if (token) {
    lines.push(
      `A dev token for org "${token.org}", valid ${token.ttlDays} days (\`npm run token\` mints more):`,
      "",
      `  TOKEN=${token.value}`,
      `  curl -s -X POST ${url}/agents -H "Authorization: Bearer $TOKEN" \\`,
      `    -H 'content-type: application/json' -d '{"name":"hello"}'`,
      "",
    );
  } else {
    lines.push("Tokens come from the identity provider behind AURA_JWKS_URL.", "");
  }
  if (client) {
    lines.push("Open the terminal client on this stack (docs/cli.md):", "", `  ${client}`, "");
  }
  lines.push("Press Ctrl-C to stop.", "");
  return lines.join("\n");
}
