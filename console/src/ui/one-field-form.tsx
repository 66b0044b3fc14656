/**
 * A form of one labelled text field and its submit button, which stays disabled while `busy`
 * or while the field is blank.
 *
 * @example
 * <OneFieldForm name="New project" label="Project name" button="New project" value={name}
 *   maxLength={200} busy={busy} onInput={setName} onSubmit={() => void create()} />
 */
export function OneFieldForm({
  name,
  label,
  button,
  value,
  maxLength,
  busy,
  onInput,
  onSubmit,
}: {
  /** The form's accessible name. */
  name: string;
  label: string;
  button: string;
  value: string;
  maxLength: number;
  busy: boolean;
  onInput: (value: string) => void;
  onSubmit: () => void;
}) {
  return (
    <form
      class="toolbar"
      aria-label={name}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <label>
        {label}
        <input
          value={value}
          maxLength={maxLength}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy || !value.trim()}>
        {button}
      </button>
    </form>
  );
}
