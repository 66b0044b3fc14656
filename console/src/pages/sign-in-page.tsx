import { useEffect, useState } from "preact/hooks";
import { claimsOf, isExpired, type Session } from "../session/token-store.js";

/**
 * Sign in with a token (pasted), or — on a stack `npm start` runs — with one click: the
 * Worker's `/dev/signin` exists only there (docs/console.md).
 */
export function SignInPage({
  notice,
  onSignedIn,
}: {
  notice: string | undefined;
  onSignedIn: (session: Session) => void;
}) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [devSignIn, setDevSignIn] = useState(false);

  useEffect(() => {
    fetch("/dev/signin")
      .then((r) => (r.ok ? r.json() : { available: false }))
      .then((body: { available?: unknown }) => setDevSignIn(body.available === true))
      .catch(() => setDevSignIn(false));
  }, []);

  const accept = async (raw: string) => {
    const claims = claimsOf(raw);
    if (claims === undefined)
      return setError("That is not a token: expected a JWT with sub, org and exp.");
    if (isExpired(claims, Date.now())) return setError("That token has expired.");
    setBusy(true);
    try {
      const answer = await fetch("/agents?limit=1", {
        headers: { authorization: `Bearer ${raw}` },
      });
      if (answer.status === 401) return setError("The server refused that token.");
      if (!answer.ok) return setError(`The server answered ${answer.status}.`);
      onSignedIn({ token: raw, claims });
    } catch {
      setError("Cannot reach the server.");
    } finally {
      setBusy(false);
    }
  };

  const signInAsDev = async () => {
    setBusy(true);
    try {
      const answer = await fetch("/dev/signin", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      const body = (await answer.json()) as { token?: unknown };
      if (!answer.ok || typeof body.token !== "string") {
        setError("The local sign-in is not available.");
        return;
      }
      await accept(body.token);
    } catch {
      setError("Cannot reach the server.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Aura Swarm</h1>
      {notice && <output class="notice">{notice}</output>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void accept(token.trim());
        }}
      >
        <label for="token">Token</label>
        <textarea
          id="token"
          rows={4}
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          placeholder="eyJhbGciOi…  (npm run token prints one)"
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || token.trim() === ""}>
          Sign in
        </button>
      </form>
      {devSignIn && (
        <section class="dev-sign-in" aria-label="Local development">
          <p>This is a local stack started by npm start.</p>
          <button type="button" disabled={busy} onClick={() => void signInAsDev()}>
            Continue as the local developer
          </button>
        </section>
      )}
      <p class="hint">
        The token is kept in this tab only (sessionStorage) and sent only to this server.
      </p>
    </main>
  );
}
