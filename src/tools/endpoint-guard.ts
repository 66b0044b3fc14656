/**
 * Which installed-tool endpoints the Worker may call (SSRF guard). Pure: it reads the URL as
 * the WHATWG parser normalises it — `http://2130706433/`, `http://0x7f.1/` and
 * `http://127.1/` all become `127.0.0.1` — and never resolves a name (Workers have no DNS
 * API; see docs/architecture.md for what the platform adds after resolution).
 */

/** Where the guard draws its line. */
export interface EndpointGuard {
  /** Origins (`scheme://host[:port]`) an operator allows whatever their address. */
  allowlist: readonly string[];
  /** The sandbox's base URL (`SANDBOX_URL`): its origin is never a tool endpoint. */
  sandboxUrl?: string;
}

/** The verdict on one endpoint. */
export type EndpointCheck = { ok: true; url: URL } | { ok: false; reason: string };

type Range = readonly [prefix: readonly number[], bits: number, what: string];

/** IPv4 ranges no tool endpoint may be in, as [octets, prefix length, what]. */
const V4_REFUSED: readonly Range[] = [
  [[0, 0, 0, 0], 8, "an unspecified (0.0.0.0/8) address"],
  [[10, 0, 0, 0], 8, "a private (10.0.0.0/8) address"],
  [[100, 64, 0, 0], 10, "a shared CGNAT (100.64.0.0/10) address"],
  [[127, 0, 0, 0], 8, "a loopback address"],
  [[169, 254, 0, 0], 16, "a link-local (169.254.0.0/16) address"],
  [[172, 16, 0, 0], 12, "a private (172.16.0.0/12) address"],
  [[192, 0, 0, 0], 24, "an IETF protocol (192.0.0.0/24) address"],
  [[192, 168, 0, 0], 16, "a private (192.168.0.0/16) address"],
  [[198, 18, 0, 0], 15, "a benchmarking (198.18.0.0/15) address"],
  [[224, 0, 0, 0], 4, "a multicast address"],
  [[240, 0, 0, 0], 4, "a reserved (240.0.0.0/4) or broadcast address"],
];

/** IPv6 ranges (16-bit groups) refused outright; embedded IPv4 forms are checked apart. */
const V6_REFUSED: readonly Range[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0], 128, "the unspecified address (::)"],
  [[0, 0, 0, 0, 0, 0, 0, 1], 128, "a loopback address (::1)"],
  [[0xfc00], 7, "a unique-local (fc00::/7) address"],
  [[0xfe80], 10, "a link-local (fe80::/10) address"],
  [[0xfec0], 10, "a site-local (fec0::/10) address"],
  [[0xff00], 8, "a multicast (ff00::/8) address"],
];

function inRange(value: readonly number[], [prefix, bits]: Range, width: number): boolean {
  for (let i = 0, left = bits; left > 0; i++, left -= width) {
    const take = Math.min(width, left);
    const mask = ((1 << take) - 1) << (width - take);
    if (((value[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function refusedV4(octets: readonly number[]): string | undefined {
  return V4_REFUSED.find((range) => inRange(octets, range, 8))?.[2];
}

/** The eight 16-bit groups of an IPv6 literal (without brackets), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  let hex = text;
  // A dotted IPv4 tail (`::ffff:1.2.3.4`) is two groups written another way.
  const dotted = /^(.*):(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[2] ?? "");
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    hex = `${dotted[1]}:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = hex.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(halves[0] ?? "");
  const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
  const fill = 8 - left.length - right.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...left, ...Array<string>(fill).fill("0"), ...right];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return all.map((g) => Number.parseInt(g, 16));
}

/** The four octets of a dotted-decimal IPv4 address, or undefined. */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

function refusedV6(words: readonly number[]): string | undefined {
  const direct = V6_REFUSED.find((range) => inRange(words, range, 16));
  if (direct) return direct[2];
  const v4At = (i: number) => [
    (words[i] ?? 0) >> 8,
    (words[i] ?? 0) & 0xff,
    (words[i + 1] ?? 0) >> 8,
    (words[i + 1] ?? 0) & 0xff,
  ];
  const embedded = (label: string, octets: number[]) => {
    const why = refusedV4(octets);
    return why === undefined ? undefined : `${why}, ${label}`;
  };
  const zeros = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible, deprecated)
  if (zeros(0, 5) && words[5] === 0xffff) return embedded("IPv4-mapped", v4At(6));
  if (zeros(0, 6)) return embedded("IPv4-compatible", v4At(6));
  // 64:ff9b::a.b.c.d (NAT64) and 2002:aabb:ccdd:: (6to4) reach the IPv4 address they embed
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return embedded("NAT64", v4At(6));
  if (words[0] === 0x2002) return embedded("6to4", v4At(1));
  return undefined;
}

function refusedHost(hostname: string): string | undefined {
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    const words = parseIPv6(hostname.slice(1, -1));
    return words ? refusedV6(words) : "an IPv6 address that cannot be read";
  }
  const v4 = parseIPv4(hostname);
  if (v4) return refusedV4(v4);
  const name = hostname.replace(/\.+$/, "");
  if (name === "localhost" || name.endsWith(".localhost") || name === "localhost.localdomain") {
    return "a localhost name";
  }
  return undefined;
}

/**
 * Decides whether an installed tool may be called at `endpoint`: http(s) only; never the
 * sandbox's own origin; an allowlisted origin passes; otherwise loopback, private (RFC 1918,
 * CGNAT, fc00::/7), link-local, unspecified, multicast and reserved addresses — also as
 * IPv4-mapped, -compatible, NAT64 or 6to4 IPv6 — `localhost` and `*.localhost`, and any
 * other port of the sandbox's host, are refused.
 *
 * @example
 * checkToolEndpoint("http://0x7f.1/", { allowlist: [] });
 * // { ok: false, reason: "http://127.0.0.1/ is a loopback address" }
 * checkToolEndpoint("https://tools.example.com/run", { allowlist: [] }).ok; // true
 */
export function checkToolEndpoint(endpoint: string, guard: EndpointGuard): EndpointCheck {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, reason: `${url.protocol} is not http or https` };
  }
  const shown = `${url.origin}/`;
  const sandbox = guard.sandboxUrl === undefined ? undefined : safeUrl(guard.sandboxUrl);
  if (sandbox && sandbox.origin === url.origin) {
    return { ok: false, reason: `${shown} is the sandbox's own address` };
  }
  if (guard.allowlist.includes(url.origin)) return { ok: true, url };
  const why = refusedHost(url.hostname);
  if (why !== undefined) {
    return {
      ok: false,
      reason: `${shown} is ${why} (list its origin in AURA_TOOL_ENDPOINT_ALLOWLIST to allow it for local development)`,
    };
  }
  if (sandbox && sandbox.hostname === url.hostname) {
    return { ok: false, reason: `${shown} is on the sandbox's host` };
  }
  return { ok: true, url };
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads `AURA_TOOL_ENDPOINT_ALLOWLIST`: comma-separated origins (`http(s)://host[:port]`,
 * nothing after the host but an optional `/`), normalised as the URL parser serialises them.
 *
 * @example
 * parseOriginList("http://127.0.0.1:9000, https://tools.internal/");
 * // { ok: true, origins: ["http://127.0.0.1:9000", "https://tools.internal"] }
 */
export function parseOriginList(
  raw: string | undefined,
): { ok: true; origins: string[] } | { ok: false; message: string } {
  const origins: string[] = [];
  for (const item of (raw ?? "").split(",")) {
    const text = item.trim();
    if (text === "") continue;
    const url = safeUrl(text);
    const bare =
      url !== undefined &&
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.username === "" &&
      url.password === "" &&
      url.pathname === "/" &&
      url.search === "" &&
      url.hash === "" &&
      !text.endsWith("?") &&
      !text.endsWith("#");
    if (!url || !bare) {
      return { ok: false, message: `"${text}" is not an origin (http(s)://host[:port])` };
    }
    origins.push(url.origin);
  }
  return { ok: true, origins };
}
