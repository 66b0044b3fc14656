import type { z } from "zod";
import type { PermissionLevel, PolicySetting } from "../protocol/agents.js";
import { DOMAIN_READ_TOOLS, DOMAIN_WRITE_TOOLS } from "../protocol/domain-tool-args.js";

/** A permission level (SPEC §4). */
export type Permission = z.infer<typeof PermissionLevel>;
/** A policy profile. */
export type PolicyProfile = "dev" | "strict";

/** A resolved policy: levels of the listed tools, and what unlisted tools get. */
export interface Policy {
  profile: PolicyProfile;
  /** Level of every listed tool (profile defaults with the agent's overrides applied). */
  levels: Readonly<Record<string, Permission>>;
  /** Unlisted tools are allowed (`always_allow`) when true, denied otherwise. */
  allow_unlisted: boolean;
}

/** Tools that only read: the workspace's, and a project's (domain tools). */
const READ_ONLY = [
  "read_file",
  "list_files",
  "stat_file",
  "find_files",
  "search_code",
  ...DOMAIN_READ_TOOLS,
];
/**
 * A `task-run` turn's engine tools (`src/tools/engine-catalog.ts`): the engine's own
 * bookkeeping, allowed in every profile; the file changes they gate are decided as usual.
 */
const ENGINE = ["get_task_context", "submit_plan", "task_done"];
/** Tools that change files, or a project (domain tools): decided alike. */
const WRITES = ["write_file", "edit_file", "delete_file", ...DOMAIN_WRITE_TOOLS];

/** Default levels of each profile (SPEC §4). */
const PROFILE_LEVELS: Record<PolicyProfile, Record<string, Permission>> = {
  dev: {
    ...Object.fromEntries([...READ_ONLY, ...ENGINE].map((t) => [t, "always_allow" as const])),
    ...Object.fromEntries(WRITES.map((t) => [t, "always_allow" as const])),
    run_command: "always_allow",
    send_message: "always_allow",
    spawn_agent: "always_allow",
    terminal: "always_allow",
  },
  strict: {
    ...Object.fromEntries([...READ_ONLY, ...ENGINE].map((t) => [t, "always_allow" as const])),
    ...Object.fromEntries(WRITES.map((t) => [t, "ask_once" as const])),
    run_command: "always_ask",
    send_message: "ask_once",
    spawn_agent: "ask_once",
    terminal: "ask_once",
  },
};

/** How strict each level is: a floor lets an agent move only up this order. */
const STRICTNESS: Readonly<Record<Permission, number>> = {
  always_allow: 0,
  ask_once: 1,
  always_ask: 2,
  deny: 3,
};

/** The stricter of two levels (`deny` > `always_ask` > `ask_once` > `always_allow`). */
export function stricterLevel(a: Permission, b: Permission): Permission {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

type Setting = z.infer<typeof PolicySetting>;

/** The policy a setting asks for, before any floor applies. */
function requestedPolicy(setting: Setting | undefined, deployment: PolicyProfile): Policy {
  const explicit = typeof setting === "object" ? setting : undefined;
  const profile = typeof setting === "string" ? setting : (explicit?.profile ?? deployment);
  return {
    profile,
    levels: { ...PROFILE_LEVELS[profile], ...(explicit?.tools ?? {}) },
    allow_unlisted: explicit?.allow_unlisted ?? profile === "dev",
  };
}

/**
 * The policy an agent's turns run under: its own setting over the deployment's profile
 * (`AURA_POLICY`), which is also a floor. The agent's setting may only make a tool stricter:
 * every tool gets the stricter of its own level and the floor profile's level for it
 * (unlisted tools included), and `allow_unlisted` holds only if the floor allows it too. An
 * agent created before the operator raised the floor is clamped the same way. Pure: the same
 * inputs always give the same policy.
 *
 * @example
 * resolvePolicy(undefined, "strict").levels.run_command; // "always_ask"
 * resolvePolicy({ tools: { run_command: "deny" } }, "dev").levels.run_command; // "deny"
 * resolvePolicy("dev", "strict").levels.run_command; // "always_ask" (the floor holds)
 */
export function resolvePolicy(setting: Setting | undefined, deployment: PolicyProfile): Policy {
  const own = requestedPolicy(setting, deployment);
  const floor = requestedPolicy(undefined, deployment);
  const tools = new Set([...Object.keys(floor.levels), ...Object.keys(own.levels)]);
  // Built with fromEntries: a tool named `__proto__` stays an own property, not a prototype.
  const levels = Object.fromEntries(
    [...tools].map((t) => [t, stricterLevel(permissionFor(own, t), permissionFor(floor, t))]),
  );
  return {
    profile: own.profile === "strict" || floor.profile === "strict" ? "strict" : "dev",
    levels,
    allow_unlisted: own.allow_unlisted && floor.allow_unlisted,
  };
}

/**
 * Why `setting` asks for less than the operator's floor allows, or `undefined` when it
 * asks for nothing looser: a looser profile, `allow_unlisted` above a `dev` floor, or a tool
 * override below the floor's level for that tool. `POST /agents` refuses such a setting.
 *
 * @example
 * policyBelowFloor("dev", "strict"); // "profile dev is looser than AURA_POLICY=strict"
 * policyBelowFloor({ tools: { run_command: "deny" } }, "strict"); // undefined
 */
export function policyBelowFloor(
  setting: Setting | undefined,
  deployment: PolicyProfile,
): string | undefined {
  if (setting === undefined) return undefined;
  const floorName = `AURA_POLICY=${deployment}`;
  const explicit = typeof setting === "object" ? setting : undefined;
  const profile = typeof setting === "string" ? setting : explicit?.profile;
  const floor = requestedPolicy(undefined, deployment);
  if (profile === "dev" && deployment === "strict") {
    return `profile dev is looser than ${floorName}`;
  }
  if (explicit?.allow_unlisted === true && !floor.allow_unlisted) {
    return `allow_unlisted: true is looser than ${floorName}`;
  }
  for (const [tool, level] of Object.entries(explicit?.tools ?? {})) {
    const least = permissionFor(floor, tool);
    if (stricterLevel(level, least) !== level) {
      return `tools.${tool}: ${level} is looser than ${least}, the level ${floorName} sets`;
    }
  }
  return undefined;
}

/** The level of `tool`: its override, else its listed default, else `allow_unlisted`. */
export function permissionFor(policy: Policy, tool: string): Permission {
  const level = Object.hasOwn(policy.levels, tool) ? policy.levels[tool] : undefined;
  if (level !== undefined) return level;
  return policy.allow_unlisted ? "always_allow" : "deny";
}

/** What policy decides for one tool call. */
export type PolicyDecision =
  | { decision: "approved"; reason?: string }
  | { decision: "denied"; reason: string }
  | { decision: "pending_approval"; reason: string };

/**
 * Decides one tool call. `approvedThisSession` says whether a person already approved this
 * tool in the agent's session (what `ask_once` remembers), read from the record by the caller.
 *
 * @example
 * decideToolCall(policy, "run_command", false); // { decision: "pending_approval", reason: … }
 */
export function decideToolCall(
  policy: Policy,
  tool: string,
  approvedThisSession: boolean,
): PolicyDecision {
  const level = permissionFor(policy, tool);
  switch (level) {
    case "always_allow":
      return { decision: "approved" };
    case "deny":
      return { decision: "denied", reason: `policy denies ${tool}` };
    case "ask_once":
      if (approvedThisSession) {
        return { decision: "approved", reason: `${tool} approved earlier in this session` };
      }
      return { decision: "pending_approval", reason: `${tool} needs approval once per session` };
    case "always_ask":
      return { decision: "pending_approval", reason: `${tool} needs approval for every call` };
  }
}
