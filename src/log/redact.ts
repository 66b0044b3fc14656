/** Characters an error message keeps at most once redacted. */
export const MAX_MESSAGE_LENGTH = 200;

/** Quoted text: where parsers and validators echo their input. */
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;

/** A bearer credential: `Bearer …`. */
const BEARER = /\b(bearer)\s+[^\s,;&]+/gi;

/** A credential after its name: `token=…`, `secret: …`, `x-api-key=…`. */
const NAMED_SECRET =
  /\b(token|secret|password|authorization|api[_-]?key|jwt)(\s*[=:]\s*)[^\s,;&]+/gi;

/** A long run of token characters: JWTs, API keys, base64 payloads, hashes. */
const LONG_RUN = /[A-Za-z0-9+/=_.~-]{24,}/g;

/**
 * An error message made fit for a log line: quoted text, anything named like a credential
 * and every run of 24 or more token characters are replaced, and what is left is cut to
 * {@link MAX_MESSAGE_LENGTH} characters. What remains is the message's wording — the part
 * code wrote, not the values it quoted.
 *
 * @example
 * redactMessage(`Unexpected token 'h', "hello" is not valid JSON`);
 * // `Unexpected token "…", "…" is not valid JSON`
 * redactMessage("fetch failed: token=eyJhbGciOiJIUzI1NiJ9.e30.x"); // "fetch failed: token=[redacted]"
 */
export function redactMessage(message: string): string {
  return message
    .replace(QUOTED, '"…"')
    .replace(BEARER, (_match, name: string) => `${name} [redacted]`)
    .replace(NAMED_SECRET, (_match, name: string, gap: string) => `${name}${gap}[redacted]`)
    .replace(LONG_RUN, "[redacted]")
    .slice(0, MAX_MESSAGE_LENGTH);
}
