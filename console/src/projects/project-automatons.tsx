import { useState } from "preact/hooks";
import type { AutomatonView } from "../../../src/protocol/automatons.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { AutomatonControls } from "../automatons/automaton-controls.js";
import { KIND_LABEL, shortAutomatonId } from "../automatons/automaton-list.js";
import { automatonHref } from "../automatons/automaton-route.js";
import { OneFieldForm } from "../ui/one-field-form.js";
import { errorText } from "./error-text.js";

/**
 * Every automaton working on the project (dev loop, task runs, spec generations), each with
 * its status, controls and a link to its live view; and the form that starts a spec
 * generation from a requirements file of the project's workspace.
 */
export function ProjectAutomatons({
  api,
  projectId,
  automatons,
  onChanged,
}: {
  api: ProjectsApi;
  projectId: string;
  automatons: AutomatonView[] | undefined;
  onChanged: () => void;
}) {
  const [path, setPath] = useState("requirements.md");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const startSpecGen = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.startSpecGen(projectId, path.trim());
      onChanged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="project-automatons-title">
      <h2 id="project-automatons-title">Automatons</h2>
      <OneFieldForm
        name="Generate specs"
        label="Requirements file"
        button="Generate specs"
        value={path}
        maxLength={1000}
        busy={busy}
        onInput={setPath}
        onSubmit={() => void startSpecGen()}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {automatons === undefined && <output>Loading automatons…</output>}
      {automatons?.length === 0 && (
        <p class="empty">
          No automatons have worked on this project. Start the dev loop, run a task or generate
          specs.
        </p>
      )}
      {automatons && automatons.length > 0 && (
        <ul class="project-automatons" aria-label="Project automatons">
          {automatons.map((view) => {
            const name = `${KIND_LABEL[view.kind]} ${shortAutomatonId(view.automaton_id)}`;
            return (
              <li key={view.automaton_id} class="card" aria-label={name}>
                <a
                  href={automatonHref({ page: "automaton", automatonId: view.automaton_id })}
                  aria-label={`Live view of ${name}`}
                >
                  {KIND_LABEL[view.kind]}
                </a>{" "}
                <span class="mono muted">{shortAutomatonId(view.automaton_id)}</span>{" "}
                <span class={`status status-${view.status}`}>{view.status}</span>{" "}
                <span class="muted">
                  {view.ticks} {view.ticks === 1 ? "tick" : "ticks"}
                  {view.reason ? `; ${view.reason}` : ""}
                </span>{" "}
                <AutomatonControls
                  api={api}
                  view={view}
                  name={name}
                  onChanged={onChanged}
                  onError={setError}
                />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
