import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy to `127.0.0.1:targetPort` whose connections a test can cut, and which can
 * refuse new ones for a while: a network that drops and comes back.
 *
 * @example
 * const proxy = await cutProxy(stack.port);
 * proxy.cut({ refuse: true }); // every connection drops; new ones are closed at once
 * proxy.restore();             // connections go through again
 */
export async function cutProxy(targetPort: number) {
  const open = new Set<Socket>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    cut({ refuse = false }: { refuse?: boolean } = {}) {
      refusing = refuse;
      for (const socket of open) socket.destroy();
    },
    restore() {
      refusing = false;
    },
    close(): Promise<void> {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
