import { describe, expect, it } from "vitest";
import { checkToolEndpoint, parseIPv6, parseOriginList } from "./endpoint-guard.js";

const open = { allowlist: [] as string[] };
const refused = (endpoint: string, guard = open) => {
  const check = checkToolEndpoint(endpoint, guard);
  return check.ok ? undefined : check.reason;
};

describe("checkToolEndpoint", () => {
  it("allows public http and https endpoints", () => {
    for (const url of [
      "https://tools.example.com/run",
      "http://93.184.216.34:8080/x",
      "http://[2606:4700::1111]/",
      "http://8.8.8.8/",
      "http://172.32.0.1/",
      "http://100.128.0.1/",
      "http://[::ffff:8.8.8.8]/",
    ]) {
      expect(checkToolEndpoint(url, open).ok, url).toBe(true);
    }
  });

  it.each([
    ["http://127.0.0.1/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://0x7f000001/", "loopback"],
    ["http://127.255.255.254:8788/", "loopback"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://0/", "unspecified"],
    ["http://10.1.2.3/", "private (10.0.0.0/8)"],
    ["http://172.16.0.1/", "private (172.16.0.0/12)"],
    ["http://172.31.255.255/", "private (172.16.0.0/12)"],
    ["http://192.168.1.1/", "private (192.168.0.0/16)"],
    ["http://100.64.0.1/", "CGNAT"],
    ["http://100.127.255.255/", "CGNAT"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://224.0.0.1/", "multicast"],
    ["http://255.255.255.255/", "broadcast"],
    ["http://[::1]/", "loopback"],
    ["http://[0:0:0:0:0:0:0:1]/", "loopback"],
    ["http://[::]/", "unspecified"],
    ["http://[fc00::1]/", "unique-local"],
    ["http://[fd12:3456::1]/", "unique-local"],
    ["http://[fe80::1]/", "link-local (fe80::/10)"],
    ["http://[ff02::1]/", "multicast"],
    ["http://[::ffff:127.0.0.1]/", "loopback address, IPv4-mapped"],
    ["http://[::ffff:7f00:1]/", "IPv4-mapped"],
    ["http://[::ffff:169.254.169.254]/", "link-local (169.254.0.0/16) address, IPv4-mapped"],
    ["http://[::ffff:10.0.0.1]/", "IPv4-mapped"],
    ["http://[::127.0.0.1]/", "IPv4-compatible"],
    ["http://[64:ff9b::7f00:1]/", "NAT64"],
    ["http://[2002:7f00:1::]/", "6to4"],
    ["http://localhost/", "localhost"],
    ["http://LOCALHOST:8788/", "localhost"],
    ["http://localhost./", "localhost"],
    ["http://api.localhost/", "localhost"],
  ])("refuses %s (%s)", (endpoint, what) => {
    const reason = refused(endpoint);
    expect(reason).toBeDefined();
    expect(reason).toContain(what);
    expect(reason).toContain("AURA_TOOL_ENDPOINT_ALLOWLIST");
  });

  it("names the address the URL parser normalised to", () => {
    expect(refused("http://2130706433:9/x")).toMatch(/^http:\/\/127\.0\.0\.1:9\/ is a loopback/);
  });

  it("refuses anything but http and https", () => {
    expect(refused("ftp://example.com/")).toMatch(/not http or https/);
    expect(refused("file:///etc/passwd")).toMatch(/not http or https/);
    expect(refused("not a url")).toBe("is not a URL");
  });

  it("allows an allowlisted origin, and only that origin", () => {
    const guard = { allowlist: ["http://127.0.0.1:9000"] };
    expect(checkToolEndpoint("http://127.0.0.1:9000/__tool/echo", guard).ok).toBe(true);
    expect(checkToolEndpoint("http://2130706433:9000/__tool/echo", guard).ok).toBe(true);
    expect(refused("http://127.0.0.1:9001/", guard)).toMatch(/loopback/);
    expect(refused("https://127.0.0.1:9000/", guard)).toMatch(/loopback/);
  });

  it("refuses the sandbox's own origin even when allowlisted, and its host's other ports", () => {
    const guard = {
      allowlist: ["http://sandbox.internal:8788"],
      sandboxUrl: "http://sandbox.internal:8788",
    };
    expect(refused("http://sandbox.internal:8788/tools/dispatch", guard)).toMatch(
      /sandbox's own address/,
    );
    expect(refused("http://sandbox.internal:9999/", guard)).toMatch(/sandbox's host/);
    const local = { allowlist: [], sandboxUrl: "http://127.0.0.1:8788" };
    expect(refused("http://127.0.0.1:8788/", local)).toMatch(/sandbox's own address/);
    expect(refused("http://127.1:8788/", local)).toMatch(/sandbox's own address/);
  });
});

describe("parseIPv6", () => {
  it("reads compressed, full and dotted forms, and refuses malformed ones", () => {
    expect(parseIPv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(parseIPv6("fe80::")).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6("1::2::3")).toBeUndefined();
    expect(parseIPv6("1:2:3")).toBeUndefined();
    expect(parseIPv6("12345::")).toBeUndefined();
    expect(parseIPv6("1:2:3:4:5:6:7:8::")).toBeUndefined();
  });
});

describe("parseOriginList", () => {
  it("normalises origins and skips blanks", () => {
    expect(parseOriginList(" http://127.0.0.1:9000/ ,, HTTPS://Tools.Example.com:443 ")).toEqual({
      ok: true,
      origins: ["http://127.0.0.1:9000", "https://tools.example.com"],
    });
    expect(parseOriginList(undefined)).toEqual({ ok: true, origins: [] });
  });

  it("refuses what is not a bare http(s) origin", () => {
    for (const bad of [
      "http://x/path",
      "ftp://x",
      "x",
      "http://u:p@x",
      "http://x/?q",
      "http://x#h",
    ]) {
      expect(parseOriginList(bad).ok, bad).toBe(false);
    }
  });
});
