import { describe, expect, it } from "vitest";
import { checkProjectPath } from "../session/workspace-path.js";
import { workspacePathOf } from "./workspace-root.js";

describe("workspacePathOf", () => {
  it("maps an absolute host path as /stream maps project_path", () => {
    const mapped = workspacePathOf("/home/ann/My App");
    expect(mapped).toEqual(checkProjectPath("/home/ann/My App"));
    expect(mapped.ok && mapped.path).toMatch(/^projects\/my-app-[0-9a-f]{12}$/);
  });

  it("refuses a path that climbs out, naming workspace_root", () => {
    const refused = workspacePathOf("/home/ann/../etc");
    expect(refused).toMatchObject({ ok: false, code: "invalid_request" });
    expect(!refused.ok && refused.message).toBe("workspace_root: must not contain '..' segments");
  });
});
