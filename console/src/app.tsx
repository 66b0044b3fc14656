import { useEffect, useMemo, useState } from "preact/hooks";
import { AgentsApi } from "./api/agents-api.js";
import { HttpClient } from "./api/http-client.js";
import { ProjectsApi } from "./api/projects-api.js";
import { AutomatonPage } from "./automatons/automaton-page.js";
import { useAutomatonRoute } from "./automatons/automaton-route.js";
import { AutomatonsPage } from "./automatons/automatons-page.js";
import { AgentPage } from "./pages/agent-page.js";
import { AgentsPage } from "./pages/agents-page.js";
import { SignInPage } from "./pages/sign-in-page.js";
import { ProjectPage } from "./projects/project-page.js";
import { useProjectRoute } from "./projects/project-route.js";
import { ProjectsPage } from "./projects/projects-page.js";
import { SpecPage } from "./projects/spec-page.js";
import { clearSession, loadSession, type Session, saveSession } from "./session/token-store.js";
import { useRoute } from "./ui/route.js";
import { toggleTheme } from "./ui/theme.js";

/** setTimeout's longest wait (about 24.8 days); a token lasting longer gets no timer (its 401s still sign out). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The console: the sign-in page until a token is given, then the agents and agent pages. */
export function App() {
  const [session, setSession] = useState(() => loadSession(Date.now()));
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const signIn = (next: Session) => {
    saveSession(next);
    setNotice(undefined);
    setSession(next);
  };
  const signOut = (why?: string) => {
    clearSession();
    setNotice(why);
    setSession(undefined);
  };
  if (session === undefined) return <SignInPage notice={notice} onSignedIn={signIn} />;
  return <SignedIn key={session.token} session={session} signOut={signOut} />;
}

function SignedIn({ session, signOut }: { session: Session; signOut: (why?: string) => void }) {
  const route = useRoute();
  const projectRoute = useProjectRoute();
  const automatonRoute = useAutomatonRoute();
  // An expired token cannot open sockets or read anything: back to the sign-in page, saying why.
  useEffect(() => {
    const left = session.claims.exp * 1000 - Date.now();
    if (left > MAX_TIMER_MS) return;
    const timer = setTimeout(
      () => signOut("Your token expired: sign in again."),
      Math.max(0, left),
    );
    return () => clearTimeout(timer);
  }, [session.claims.exp]);
  const http = useMemo(
    () =>
      new HttpClient(session.token, () =>
        signOut("The server refused your token (expired or revoked): sign in again."),
      ),
    [session.token],
  );
  const api = useMemo(() => new AgentsApi(http), [http]);
  const projectsApi = useMemo(() => new ProjectsApi(http), [http]);
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="#/agents">
          Aura Swarm
        </a>
        <nav aria-label="Pages">
          <a
            href="#/agents"
            aria-current={
              route.page === "agents" && !projectRoute && !automatonRoute ? "page" : undefined
            }
          >
            Agents
          </a>{" "}
          <a href="#/projects" aria-current={projectRoute ? "page" : undefined}>
            Projects
          </a>{" "}
          <a href="#/automatons" aria-current={automatonRoute ? "page" : undefined}>
            Automatons
          </a>
        </nav>
        <span class="whoami">
          <span>
            org <strong data-testid="org">{session.claims.org}</strong>
          </span>
          <span>
            user <strong data-testid="user">{session.claims.sub}</strong>
          </span>
        </span>
        <button type="button" class="quiet" onClick={() => toggleTheme()}>
          Theme
        </button>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main>
        {automatonRoute?.page === "automatons" ? (
          <AutomatonsPage api={projectsApi} />
        ) : automatonRoute?.page === "automaton" ? (
          <AutomatonPage
            key={automatonRoute.automatonId}
            api={projectsApi}
            token={session.token}
            automatonId={automatonRoute.automatonId}
          />
        ) : projectRoute?.page === "projects" ? (
          <ProjectsPage api={projectsApi} />
        ) : projectRoute?.page === "project" ? (
          <ProjectPage
            key={projectRoute.projectId}
            api={projectsApi}
            token={session.token}
            projectId={projectRoute.projectId}
          />
        ) : projectRoute?.page === "spec" ? (
          <SpecPage
            key={projectRoute.specId}
            api={projectsApi}
            projectId={projectRoute.projectId}
            specId={projectRoute.specId}
          />
        ) : route.page === "agents" ? (
          <AgentsPage api={api} />
        ) : (
          <AgentPage
            key={route.agentId}
            api={api}
            token={session.token}
            agentId={route.agentId}
            tab={route.tab}
          />
        )}
      </main>
    </div>
  );
}
