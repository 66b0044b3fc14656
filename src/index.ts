import { app } from "./http/app.js";

export { AgentDO } from "../durable-objects/agent-do.js";
export { DirectoryDO } from "../durable-objects/directory-do.js";
export { ProjectDO } from "../durable-objects/project-do.js";
export { SandboxContainer } from "../durable-objects/sandbox-container.js";

/** The Worker: the HTTP API in front of the agents' Durable Objects. */
export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
