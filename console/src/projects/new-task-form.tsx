import { useState } from "preact/hooks";
import type { ProjectsApi } from "../api/projects-api.js";
import { errorText } from "./error-text.js";

/** The form that adds a task to a project (a title, and a description if wanted). */
export function NewTaskForm({
  api,
  projectId,
  onCreated,
}: {
  api: ProjectsApi;
  projectId: string;
  onCreated: () => void;
}) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const create = async () => {
    if (!title.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.createTask(projectId, { title: title.trim(), description });
      setTitle("");
      setDescription("");
      onCreated();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="new-task"
      aria-label="New task"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <label>
        Task title
        <input value={title} maxLength={200} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <label>
        Task description
        <textarea
          value={description}
          rows={2}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy || !title.trim()}>
        Add task
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
