// Starts a real 3-node `nats-server` cluster with JetStream on free loopback ports, each node with its
// own temporary store, and waits until JetStream has elected a meta leader. Nodes can be stopped,
// killed with SIGKILL and restarted on the same ports and stores (chaos tests).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nats.js';

export interface ClusterNode {
  /** `n1`, `n2`, … (the server_name) */
  name: string;
  /** `nats://127.0.0.1:<port>` */
  url: string;
  port: number;
  clusterPort: number;
  monitorPort: number;
  storeDir: string;
  /** True while the process runs. */
  readonly running: boolean;
  /** SIGKILL, no goodbye to the cluster (a crash). */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 3 s (a clean shutdown). */
  stop(): Promise<void>;
  /** Starts the node again on the same ports and store; resolves when it listens. */
  restart(): Promise<void>;
}

export interface NatsCluster {
  nodes: ClusterNode[];
  /** Every node's client URL, comma-separated (what PORTCULLIS_NATS_URL takes). */
  urls: string;
  /** Resolves when a running node reports a JetStream meta leader and every running peer is current. */
  waitForMetaLeader(timeoutMs?: number): Promise<string>;
  /** Stops every node and deletes their stores. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Nodes (default 3). */
  size?: number;
  /** Cluster name (default `portcullis-test`). */
  name?: string;
  /** ms to wait for a meta leader at start (default 20 000). */
  timeoutMs?: number;
}

interface Jsz {
  meta_cluster?: { name?: string; leader?: string; cluster_size?: number; replicas?: { name: string; current: boolean; offline?: boolean }[] };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function configText(n: { name: string; port: number; clusterPort: number; monitorPort: number; storeDir: string }, clusterName: string, routes: number[]): string {
  return [
    `server_name: ${n.name}`,
    `listen: 127.0.0.1:${n.port}`,
    `http: 127.0.0.1:${n.monitorPort}`,
    'jetstream {',
    `  store_dir: ${JSON.stringify(n.storeDir)}`,
    '  max_memory_store: 268435456',
    '  max_file_store: 1073741824',
    '}',
    'cluster {',
    `  name: ${clusterName}`,
    `  listen: 127.0.0.1:${n.clusterPort}`,
    '  routes: [',
    ...routes.map((p) => `    nats-route://127.0.0.1:${p}`),
    '  ]',
    '}',
    '',
  ].join('\n');
}

async function jsz(monitorPort: number): Promise<Jsz | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${monitorPort}/jsz`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? ((await res.json()) as Jsz) : undefined;
  } catch {
    return undefined;
  }
}

async function healthy(monitorPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${monitorPort}/healthz`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

class Node implements ClusterNode {
  readonly name: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  readonly storeDir: string;
  readonly configFile: string;
  #proc: ChildProcess | undefined;

  constructor(name: string, port: number, clusterPort: number, monitorPort: number, storeDir: string, configFile: string) {
    this.name = name;
    this.port = port;
    this.clusterPort = clusterPort;
    this.monitorPort = monitorPort;
    this.storeDir = storeDir;
    this.configFile = configFile;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#proc !== undefined && this.#proc.exitCode === null && this.#proc.signalCode === null;
  }

  launch(): void {
    const proc = spawn('nats-server', ['-c', this.configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.resume();
    this.#proc = proc;
  }

  async waitListening(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const p = this.#proc;
      if (!p || p.exitCode !== null) throw new Error(`nats-server ${this.name} exited with code ${p?.exitCode}`);
      // /healthz answers 200 only once the server (and JetStream, if enabled) is up.
      if (await healthy(this.monitorPort)) return;
      await sleep(50);
    }
    throw new Error(`nats-server ${this.name} was not healthy on ${this.port} within ${timeoutMs} ms`);
  }

  #signal(signal: NodeJS.Signals, escalateMs: number | undefined): Promise<void> {
    const p = this.#proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = escalateMs === undefined ? undefined : setTimeout(() => p.kill('SIGKILL'), escalateMs);
      p.once('exit', () => {
        if (t) clearTimeout(t);
        resolve();
      });
      p.kill(signal);
    });
  }

  kill(): Promise<void> {
    return this.#signal('SIGKILL', undefined);
  }

  stop(): Promise<void> {
    return this.#signal('SIGTERM', 3000);
  }

  async restart(): Promise<void> {
    await this.stop();
    this.launch();
    // A restarted node may stay unhealthy until it catches up with the meta leader; listening is enough.
    await this.waitListening(20_000).catch(async (err: unknown) => {
      if (!this.running) throw err;
    });
  }
}

export async function startNatsCluster(opts: ClusterOptions = {}): Promise<NatsCluster> {
  const size = opts.size ?? 3;
  const clusterName = opts.name ?? 'portcullis-test';
  const root = mkdtempSync(join(tmpdir(), 'portcullis-nats-cluster-'));
  const specs: { name: string; port: number; clusterPort: number; monitorPort: number; storeDir: string }[] = [];
  const taken = new Set<number>();
  const pick = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  for (let i = 1; i <= size; i++) {
    specs.push({ name: `n${i}`, port: await pick(), clusterPort: await pick(), monitorPort: await pick(), storeDir: join(root, `n${i}`) });
  }
  const routes = specs.map((s) => s.clusterPort);
  const nodes = specs.map((s) => {
    const file = join(root, `${s.name}.conf`);
    writeFileSync(file, configText(s, clusterName, routes));
    return new Node(s.name, s.port, s.clusterPort, s.monitorPort, s.storeDir, file);
  });
  const cluster: NatsCluster = {
    nodes,
    urls: nodes.map((n) => n.url).join(','),
    async waitForMetaLeader(timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        for (const n of nodes) {
          if (!n.running) continue;
          const m = (await jsz(n.monitorPort))?.meta_cluster;
          if (!m?.leader) continue;
          const peers = m.replicas ?? [];
          const runningNames = new Set(nodes.filter((x) => x.running).map((x) => x.name));
          const stale = peers.filter((p) => runningNames.has(p.name) && (!p.current || p.offline));
          if (stale.length === 0) return m.leader;
        }
        await sleep(100);
      }
      throw new Error(`no JetStream meta leader within ${timeoutMs} ms`);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    for (const n of nodes) n.launch();
    // /healthz of a clustered JetStream server waits for the meta group; wait for ports, then the leader.
    await Promise.all(nodes.map((n) => n.waitListening(opts.timeoutMs ?? 20_000).catch(() => undefined)));
    await cluster.waitForMetaLeader(opts.timeoutMs ?? 20_000);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
