import { useState } from "preact/hooks";
import type { AutomatonCommand, AutomatonView } from "../../../src/protocol/automatons.js";
import type { ProjectsApi } from "../api/projects-api.js";
import { errorText } from "../projects/error-text.js";
import { allowedCommands } from "../projects/task-board.js";

const COMMAND_LABEL: Record<AutomatonCommand, string> = {
  pause: "Pause",
  resume: "Resume",
  stop: "Stop",
};

/**
 * Pause / Resume / Stop as the automaton's status allows. With `name`, each button's
 * accessible name ends with it (`Pause Task run 1a2b…`), so a list of them stays tellable
 * apart; a refusal goes to `onError` with the server's message.
 */
export function AutomatonControls({
  api,
  view,
  name,
  onChanged,
  onError,
}: {
  api: ProjectsApi;
  view: AutomatonView;
  name?: string;
  onChanged: () => void;
  onError: (message: string | undefined) => void;
}) {
  const [busy, setBusy] = useState(false);
  const run = async (command: AutomatonCommand) => {
    setBusy(true);
    try {
      await api.control(view.automaton_id, command);
      onError(undefined);
      onChanged();
    } catch (err) {
      onError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const commands = allowedCommands(view.status);
  if (commands.length === 0) return null;
  return (
    <span class="actions">
      {commands.map((command) => (
        <button
          key={command}
          type="button"
          class={command === "stop" ? "quiet" : undefined}
          disabled={busy}
          aria-label={name === undefined ? undefined : `${COMMAND_LABEL[command]} ${name}`}
          onClick={() => void run(command)}
        >
          {COMMAND_LABEL[command]}
        </button>
      ))}
    </span>
  );
}
