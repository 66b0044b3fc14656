import { describe, expect, it } from "vitest";
import { checkProjectPath, checkWorkspacePath } from "./workspace-path.js";

function refused(input: string, field: "workspace" | "project_path" = "workspace"): string {
  const result = checkWorkspacePath(field, input);
  expect(result.ok, input).toBe(false);
  if (result.ok) return "";
  expect(result.error.code).toBe("invalid_workspace");
  expect(result.error.recoverable).toBe(true);
  return result.error.message;
}

describe("checkWorkspacePath", () => {
  it("given a plain relative path, when checked, then it is returned normalised", () => {
    expect(checkWorkspacePath("workspace", "projects/demo")).toEqual({
      ok: true,
      path: "projects/demo",
    });
    expect(checkWorkspacePath("workspace", "./projects//demo/./")).toEqual({
      ok: true,
      path: "projects/demo",
    });
    expect(checkWorkspacePath("project_path", "a/.hidden/b c/ünïcode")).toEqual({
      ok: true,
      path: "a/.hidden/b c/ünïcode",
    });
  });

  it("given the base itself, when checked, then it is '.'", () => {
    for (const input of ["", ".", "./", ".//", "./."]) {
      expect(checkWorkspacePath("workspace", input)).toEqual({ ok: true, path: "." });
    }
  });

  it("given '..' segments anywhere, when checked, then it is invalid_workspace", () => {
    for (const input of ["..", "../etc", "a/../../b", "a/..", "a/../b", "./..", "a/b/../../.."]) {
      expect(refused(input)).toMatch(/'\.\.'/);
    }
  });

  it("given an absolute path, when checked, then it is invalid_workspace", () => {
    for (const input of ["/etc/passwd", "/", "//server/share", "C:/Windows", "c:relative"]) {
      refused(input);
    }
    expect(refused("/home/me/project", "project_path")).toMatch(/^project_path /);
  });

  it("given backslash tricks, when checked, then it is invalid_workspace", () => {
    for (const input of ["..\\etc", "a\\..\\..\\b", "\\\\server\\share", "C:\\x", "a\\b"]) {
      expect(refused(input)).toMatch(/backslash|drive/);
    }
  });

  it("given NUL or control characters, when checked, then it is invalid_workspace", () => {
    expect(refused("a\0b")).toMatch(/NUL/);
    expect(refused("a\nb")).toMatch(/control/);
    expect(refused("a\u007fb")).toMatch(/control/);
  });

  it("given encoded or look-alike traversal, when checked, then it is invalid_workspace", () => {
    for (const input of [
      "%2e%2e/etc",
      "a%2Fb",
      "%5c",
      "a%00",
      "．．/etc",
      "a／．．",
      "／etc",
      "~/x",
    ]) {
      refused(input);
    }
  });

  it("given an over-long path, segment or depth, when checked, then it is invalid_workspace", () => {
    expect(refused("a".repeat(1025))).toMatch(/longer than 1024/);
    expect(refused("é".repeat(128))).toMatch(/segment longer/);
    expect(refused(Array.from({ length: 65 }, () => "d").join("/"))).toMatch(/deeper/);
  });
});

describe("checkProjectPath", () => {
  function mapped(input: string): string {
    const result = checkProjectPath(input);
    if (!result.ok) throw new Error(`${input}: ${result.error.message}`);
    return result.path;
  }

  it("given an absolute host path, when checked, then it maps to one plain folder under projects/", () => {
    expect(mapped("/home/ann/My App")).toMatch(/^projects\/my-app-[0-9a-f]{12}$/);
    expect(mapped("C:\\Users\\ann\\Shop")).toMatch(/^projects\/shop-[0-9a-f]{12}$/);
    expect(mapped("/")).toMatch(/^projects\/root-[0-9a-f]{12}$/);
    expect(mapped("/srv/日本")).toMatch(/^projects\/project-[0-9a-f]{12}$/);
    for (const input of ["/a/b", "/x/etc/passwd", "D:/w"]) {
      const path = mapped(input);
      expect(checkWorkspacePath("project_path", path)).toEqual({ ok: true, path });
    }
  });

  it("given the same path written differently, when checked, then it maps to the same folder; a different path to another", () => {
    const base = mapped("/home/ann/app");
    expect(mapped("/home/ann//app/")).toBe(base);
    expect(mapped("/home/./ann/app")).toBe(base);
    expect(mapped("/home/bob/app")).not.toBe(base);
    expect(mapped("c:\\x\\app")).toBe(mapped("C:/x/app"));
  });

  it("given '..' segments, NUL or control characters in an absolute path, when checked, then it is invalid_workspace", () => {
    for (const input of [
      "/home/ann/../etc",
      "/..",
      "C:\\ann\\..\\x",
      "/a/%2e%2e/b",
      "/a/\uff0e\uff0e/b",
      "/a/\u0000/b",
      "/a/\n",
    ]) {
      const result = checkProjectPath(input);
      expect(result.ok, input).toBe(false);
      if (!result.ok) expect(result.error.code).toBe("invalid_workspace");
    }
  });

  it("given a relative path, when checked, then it is checked as a workspace path", () => {
    expect(checkProjectPath("sub/dir")).toEqual({ ok: true, path: "sub/dir" });
    expect(checkProjectPath("a/../../b").ok).toBe(false);
    expect(checkProjectPath("\\\\host\\share").ok).toBe(false);
  });

  it("given a dotted name that is not a '..' segment, when checked, then it is accepted", () => {
    expect(mapped("/home/ann/my..app")).toMatch(/^projects\/my-app-[0-9a-f]{12}$/);
  });
});
