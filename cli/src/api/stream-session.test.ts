import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { type StreamEvent, StreamSession } from "./stream-session.js";

const AGENT = "a".repeat(64);
const HASH = "b".repeat(64);

interface Connection {
  socket: WebSocket;
  request: IncomingMessage;
  frames: Array<Record<string, unknown>>;
}

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A fake `/stream` server that keeps every connection and the frames it received. */
async function fakeServer() {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  closers.push(() => server.close());
  await new Promise((resolve) => server.once("listening", resolve));
  const connections: Connection[] = [];
  const waiters: Array<() => void> = [];
  server.on("connection", (socket, request) => {
    const connection: Connection = { socket, request, frames: [] };
    connections.push(connection);
    socket.on("message", (data) => {
      connection.frames.push(JSON.parse(String(data)));
      for (const wake of waiters.splice(0)) wake();
    });
    for (const wake of waiters.splice(0)) wake();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  async function until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise<void>((resolve) => waiters.push(resolve));
  }
  return { url, connections, until };
}

const send = (socket: WebSocket, frame: object) => socket.send(JSON.stringify(frame));
const record = (seq: number) => ({ type: "record", seq, tx_type: "system", hash: HASH });
const ready = { type: "session_ready", session_id: "s1", agent_id: AGENT, tools: [] };

describe("StreamSession", () => {
  it("sends the token as a Bearer header and opts in to the non-reference frames", async () => {
    const fake = await fakeServer();
    const opening = StreamSession.open({ url: fake.url, token: "tok", settings: { model: "m1" } });
    await fake.until(() => (fake.connections[0]?.frames.length ?? 0) >= 1);
    const first = fake.connections[0]!;
    expect(first.request.headers.authorization).toBe("Bearer tok");
    expect(first.frames[0]).toEqual({ type: "session_init", model: "m1", aura_extensions: true });
    send(first.socket, ready);
    const session = await opening;
    closers.push(() => session.close());
    expect(session.agentId).toBe(AGENT);
    expect(session.state).toBe("open");
  });

  it("reconnects to the same agent after a drop, resumes after the last seq, and passes on each record once", async () => {
    const fake = await fakeServer();
    const opening = StreamSession.open({ url: fake.url, token: "t", initialDelayMs: 10 });
    await fake.until(() => fake.connections.length >= 1);
    const first = fake.connections[0]!;
    send(first.socket, ready);
    const session = await opening;
    closers.push(() => session.close());
    const events: StreamEvent[] = [];
    session.on("event", (event) => events.push(event));
    send(first.socket, record(1));
    send(first.socket, record(2));
    await new Promise<void>((resolve) => {
      const check = () => (session.lastSeq === 2 ? resolve() : setTimeout(check, 5));
      check();
    });

    first.socket.terminate();
    await fake.until(() => (fake.connections[1]?.frames.length ?? 0) >= 2);
    const second = fake.connections[1]!;
    expect(second.request.url).toBe(`/stream?agent_id=${AGENT}`);
    expect(second.frames).toEqual([
      { type: "session_init", aura_extensions: true },
      { type: "resume", after_seq: 2 },
    ]);
    // The new session's own entry arrives live before the replay of what was missed.
    send(second.socket, ready);
    send(second.socket, record(4));
    send(second.socket, record(2));
    send(second.socket, record(3));
    send(second.socket, record(4));
    await new Promise<void>((resolve) => {
      const check = () =>
        events.filter((e) => e.kind === "frame").length >= 3 ? resolve() : setTimeout(check, 5);
      check();
    });
    await new Promise((resolve) => setTimeout(resolve, 30));

    const seqs = events.flatMap((e) =>
      e.kind === "frame" && e.frame.type === "record" ? [e.frame.seq] : [],
    );
    expect(seqs).toEqual([1, 2, 4, 3]);
    const states = events.flatMap((e) => (e.kind === "state" ? [e.state] : []));
    expect(states).toEqual(["reconnecting", "open"]);
    expect(session.lastSeq).toBe(4);
  });

  it("keeps what is sent while the socket is down and sends it after the new session_init", async () => {
    const fake = await fakeServer();
    const opening = StreamSession.open({ url: fake.url, token: "t", initialDelayMs: 20 });
    await fake.until(() => fake.connections.length >= 1);
    send(fake.connections[0]!.socket, ready);
    const session = await opening;
    closers.push(() => session.close());
    send(fake.connections[0]!.socket, record(1));
    await new Promise<void>((resolve) => {
      const check = () => (session.lastSeq === 1 ? resolve() : setTimeout(check, 2));
      check();
    });
    fake.connections[0]!.socket.terminate();
    await new Promise<void>((resolve) => {
      const check = () => (session.state === "reconnecting" ? resolve() : setTimeout(check, 2));
      check();
    });
    session.send({ type: "user_message", content: "while away" });
    await fake.until(() => (fake.connections[1]?.frames.length ?? 0) >= 3);
    expect(fake.connections[1]!.frames.map((f) => f.type)).toEqual([
      "session_init",
      "resume",
      "user_message",
    ]);
  });

  it("takes a socket that stays silent through two heartbeats as dropped, and re-establishes it", async () => {
    const fake = await fakeServer();
    const opening = StreamSession.open({
      url: fake.url,
      token: "t",
      heartbeatMs: 100,
      initialDelayMs: 10,
    });
    await fake.until(() => fake.connections.length >= 1);
    send(fake.connections[0]!.socket, ready);
    const session = await opening;
    closers.push(() => session.close());
    send(fake.connections[0]!.socket, record(1));
    await new Promise<void>((resolve) => {
      const check = () => (session.lastSeq === 1 ? resolve() : setTimeout(check, 2));
      check();
    });
    await fake.until(() => (fake.connections[1]?.frames.length ?? 0) >= 2);
    expect(fake.connections[0]!.frames.filter((f) => f.type === "ping").length).toBeGreaterThan(0);
    expect(fake.connections[1]!.frames[1]).toEqual({ type: "resume", after_seq: 1 });
  });

  it("keeps a socket whose server answers the heartbeat", async () => {
    const fake = await fakeServer();
    const opening = StreamSession.open({ url: fake.url, token: "t", heartbeatMs: 100 });
    await fake.until(() => fake.connections.length >= 1);
    const socket = fake.connections[0]!.socket;
    socket.on("message", (data) => {
      if (JSON.parse(String(data)).type === "ping") send(socket, { type: "pong" });
    });
    send(socket, ready);
    const session = await opening;
    closers.push(() => session.close());
    const events: StreamEvent[] = [];
    session.on("event", (event) => events.push(event));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(fake.connections[0]!.frames.filter((f) => f.type === "ping").length).toBeGreaterThan(2);
    expect(fake.connections).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("does not ask for a replay when no record frame was seen yet (its place in the record is unknown)", async () => {
    const fake = await fakeServer();
    const opening = StreamSession.open({ url: fake.url, token: "t", initialDelayMs: 10 });
    await fake.until(() => fake.connections.length >= 1);
    send(fake.connections[0]!.socket, ready);
    const session = await opening;
    closers.push(() => session.close());
    fake.connections[0]!.socket.terminate();
    await fake.until(() => (fake.connections[1]?.frames.length ?? 0) >= 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fake.connections[1]!.frames).toEqual([{ type: "session_init", aura_extensions: true }]);
  });

  it("fails to open, naming the server, when nothing listens", async () => {
    await expect(StreamSession.open({ url: "http://127.0.0.1:9", token: "t" })).rejects.toThrow(
      /127\.0\.0\.1:9/,
    );
  });

  it("drops frames that are not valid server frames", async () => {
    const fake = await fakeServer();
    const opening = StreamSession.open({ url: fake.url, token: "t" });
    await fake.until(() => fake.connections.length >= 1);
    const socket = fake.connections[0]!.socket;
    send(socket, ready);
    const session = await opening;
    closers.push(() => session.close());
    const events: StreamEvent[] = [];
    session.on("event", (event) => events.push(event));
    socket.send("not json");
    send(socket, { type: "mystery" });
    send(socket, { type: "text_delta", text: "ok" });
    await new Promise<void>((resolve) => {
      const check = () => (events.length > 0 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(events).toEqual([{ kind: "frame", frame: { type: "text_delta", text: "ok" } }]);
  });
});
