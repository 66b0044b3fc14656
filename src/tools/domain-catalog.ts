import { DOMAIN_TOOL_ARGS, type DomainToolName } from "../protocol/domain-tool-args.js";
import type { ToolDefinition } from "../reasoner/types.js";
import { modelToolDefinition } from "./model-tool-definition.js";

/** What the model is told each domain tool does. */
const DESCRIPTIONS: Record<DomainToolName, string> = {
  get_project: "Read the project: its name, description and git settings.",
  update_project:
    "Change the project's name, description, git_repo_url or git_branch (null clears a git field).",
  list_specs: "List the project's specs (markdown documents), in order.",
  get_spec: "Read one spec of the project, with its markdown contents.",
  create_spec: "Add a spec (title, markdown_contents) to the project; answers it with its id.",
  update_spec: "Change a spec's title, markdown contents or order.",
  delete_spec: "Delete a spec that no task refers to.",
  list_tasks:
    "List the project's tasks in order, with status (pending, ready, in_progress, done, failed, blocked) and dependencies.",
  create_task:
    "Add a task (title, description, spec_id?, dependency_ids?) to the project; it starts ready when every dependency is done, else pending. A dependency cycle is refused.",
  update_task:
    "Change a task's title, description, spec, dependencies, order or notes (its status changes through transition_task).",
  delete_task: "Delete a task no other task depends on.",
  transition_task:
    "Move a task to a new status; an invalid transition is refused with the allowed ones named.",
  start_dev_loop:
    "Start the project's dev loop: an automaton that carries out its ready tasks one by one in dependency order, committing each done task. One runs per project; answers its automaton_id.",
  pause_dev_loop: "Pause the project's running dev loop after its current task.",
  stop_dev_loop: "Stop the project's dev loop for good (a new one may then be started).",
};

/** The domain tools, in the order they are offered (after the built-ins). */
export const DOMAIN_TOOLS = Object.keys(DOMAIN_TOOL_ARGS) as DomainToolName[];

const definitions = new Map<DomainToolName, ToolDefinition>();

/**
 * The model-facing definition of a domain tool. Its JSON schema is derived from the zod schema
 * that validates the call, as the model writes it (`io: "input"`: fields with a default are
 * optional to the model).
 *
 * @example
 * domainToolDefinition("transition_task").input_schema.required; // ["status", "task_id"]
 */
export function domainToolDefinition(name: DomainToolName): ToolDefinition {
  let definition = definitions.get(name);
  if (!definition) {
    definition = modelToolDefinition(name, DESCRIPTIONS[name], DOMAIN_TOOL_ARGS[name], {
      io: "input",
    });
    definitions.set(name, definition);
  }
  return definition;
}

/**
 * The definitions of every domain tool, in catalog order.
 *
 * @example
 * domainToolDefinitions().map((d) => d.name); // ["get_project", "update_project", …]
 */
export function domainToolDefinitions(): ToolDefinition[] {
  return DOMAIN_TOOLS.map(domainToolDefinition);
}
