// The one NATS connection of a process, with its JetStream client, KV manager and stream manager.
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { unavailable } from './errors.js';

export interface BusConnection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kvm: Kvm;
  /** True while the connection is up (for /readyz). */
  isConnected(): boolean;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** NATS server URL(s), comma-separated accepted. */
  servers: string | string[];
  /** Connection name shown in NATS monitoring. */
  name?: string;
  /** Milliseconds to wait for the first connection. */
  timeoutMs?: number;
  /** Keep reconnecting forever after a drop (servers restart; hosts must not die with them). */
  reconnect?: boolean;
}

export async function connectBus(opts: ConnectOptions): Promise<BusConnection> {
  const servers = Array.isArray(opts.servers) ? opts.servers : opts.servers.split(',').map((s) => s.trim());
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: opts.name ?? 'portcullis',
      timeout: opts.timeoutMs ?? 5000,
      reconnect: opts.reconnect ?? true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 10_000,
    });
  } catch (err) {
    throw unavailable(`cannot connect to NATS at ${servers.join(',')}: ${(err as Error).message}`, err);
  }
  let connected = true;
  (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') connected = false;
      else if (s.type === 'reconnect') connected = true;
    }
  })().catch(() => undefined);
  const js = jetstream(nc, { timeout: opts.timeoutMs ?? 5000 });
  const jsm = await jetstreamManager(nc, { timeout: opts.timeoutMs ?? 5000 });
  return {
    nc,
    js,
    jsm,
    kvm: new Kvm(js),
    isConnected: () => connected && !nc.isClosed(),
    async close() {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
