// A TCP relay on loopback in front of a real server (Postgres in the fault tests), to make real
// network faults on the same port: stall() accepts connections and keeps them open but forwards
// nothing (a hung server or a black-holed link), refuse() closes every connection and stops
// listening (new ones get ECONNREFUSED), resume() forwards again. Bytes sent during a stall are
// dropped, never delivered late, so a connection that sent any is cut when the relay resumes (its
// stream has a hole); a connection that stayed quiet through the stall carries on.
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { scratchPostgres } from "./scratch-database";

export type RelayMode = "open" | "stalled" | "refusing";

export interface TcpRelay {
  host: string;
  port: number;
  /** "127.0.0.1:<port>", for a URL. */
  address: string;
  mode(): RelayMode;
  stall(): void;
  refuse(): Promise<void>;
  resume(): Promise<void>;
  /** Connections open through the relay now. */
  connections(): number;
  /** Connections accepted since the relay started. */
  accepted(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
  /** Bytes were dropped during a stall: the stream cannot go on. */
  holed: boolean;
}

export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  let mode: RelayMode = "open";
  let accepted = 0;
  const pairs = new Set<Pair>();

  const destroy = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };

  /** Forwards while open (with backpressure); drops and marks the pair while stalled. */
  const pump = (pair: Pair, from: Socket, to: () => Socket | null) => {
    from.on("data", (chunk: Buffer) => {
      const out = to();
      if (mode !== "open" || !out) return void (pair.holed = true);
      if (!out.write(chunk)) {
        from.pause();
        out.once("drain", () => from.resume());
      }
    });
  };

  const link = (pair: Pair) => {
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on("error", () => destroy(pair));
    upstream.on("close", () => destroy(pair));
    pump(pair, upstream, () => pair.client);
  };

  const onConnection = (client: Socket) => {
    accepted++;
    if (mode === "refusing") return void client.destroy();
    const pair: Pair = { client, upstream: null, holed: false };
    pairs.add(pair);
    client.on("error", () => destroy(pair));
    client.on("close", () => destroy(pair));
    pump(pair, client, () => pair.upstream);
    // A connection made during a stall reaches the server only once the relay resumes.
    if (mode === "open") link(pair);
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;

  const shut = async () => {
    mode = "refusing";
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const pair of [...pairs]) destroy(pair);
    await closed;
  };

  return {
    host: "127.0.0.1",
    port,
    address: `127.0.0.1:${port}`,
    mode: () => mode,
    stall() {
      if (mode !== "open") throw new Error(`cannot stall a relay that is ${mode}`);
      mode = "stalled";
    },
    refuse: shut,
    async resume() {
      if (mode === "refusing") {
        server = createServer(onConnection);
        await listen(port);
      }
      mode = "open";
      for (const pair of [...pairs]) {
        if (pair.holed) destroy(pair);
        else if (!pair.upstream) link(pair);
      }
    },
    connections: () => pairs.size,
    accepted: () => accepted,
    close: shut,
  };
}

export interface RelayedDatabase {
  relay: TcpRelay;
  /** The fresh database, through the relay: what the gateway is given as DATABASE_URL. */
  url: string;
  /** The same database, straight to the server: for the test's own checks while the relay is down. */
  directUrl: string;
  /** Drops the database (with force: the gateway's connections may still be open) and stops the relay. */
  drop(): Promise<void>;
}

/**
 * A fresh database on the Postgres server of `serverUrl` (any database on it: DATABASE_URL in the
 * postgres project, the loopback default otherwise), behind a relay of its own.
 */
export async function startRelayedDatabase(serverUrl: string): Promise<RelayedDatabase> {
  const server = new URL(serverUrl);
  const scratch = await scratchPostgres("fault", serverUrl);
  const relay = await startTcpRelay({ host: server.hostname, port: Number(server.port || 5432) });
  const relayed = new URL(scratch.url);
  relayed.host = relay.address;
  return {
    relay,
    url: relayed.href,
    directUrl: scratch.url,
    async drop() {
      await relay.close();
      await scratch.drop();
    },
  };
}
