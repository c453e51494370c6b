// deploy/ agrees with the server: the Kubernetes manifests and the compose file parse, every
// PORTCULLIS_* variable they set is a server option with a valid value, roles are ones `serve` knows,
// probes hit /healthz and /readyz on the port the server listens on, and NATS is a 3-node JetStream
// cluster that PORTCULLIS_NATS_URL lists in full.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, options, roles } from '../../src/config/index.js';

const deploy = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy');
const knownEnv = new Set<string>(options.map((o) => o.env));

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function k8sDocs(): Obj[] {
  const dir = join(deploy, 'kubernetes');
  const out: Obj[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()) {
    for (const d of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      if (d.errors.length > 0) throw new Error(`${f}: ${d.errors[0]?.message}`);
      const v = d.toJS() as unknown;
      if (v) out.push(obj(v));
    }
  }
  return out;
}

const docs = k8sDocs();
const byKind = (kind: string, name?: string): Obj[] => docs.filter((d) => d.kind === kind && (!name || obj(d.metadata).name === name));

/** A validated configuration from a set of PORTCULLIS_* variables (secrets and pod fields filled in). */
function configOf(env: Record<string, string>): ReturnType<typeof loadConfig> {
  return loadConfig({}, { PORTCULLIS_HOST_ID: 'pod-1', ...env });
}

t.test('kubernetes manifests parse and kustomize lists them all', async (t) => {
  t.ok(docs.length >= 8, `${docs.length} documents`);
  for (const d of docs) t.ok(typeof d.apiVersion === 'string' && typeof d.kind === 'string' && typeof obj(d.metadata).name === 'string', `${String(d.kind)}/${String(obj(d.metadata).name)}`);
  const kustomization = obj(parse(readFileSync(join(deploy, 'kubernetes', 'kustomization.yaml'), 'utf8')));
  const listed = arr(kustomization.resources).map(String).sort();
  const files = readdirSync(join(deploy, 'kubernetes')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
  t.same(listed, files, 'kustomization lists every manifest');
  const kubectl = spawnSync('kubectl', ['kustomize', join(deploy, 'kubernetes')], { encoding: 'utf8' });
  if (kubectl.error) t.comment('kubectl not installed: skipping the kustomize build');
  else t.equal(kubectl.status, 0, `kubectl kustomize builds: ${kubectl.stderr.slice(0, 300)}`);
});

t.test('kubernetes: portcullis workloads agree with the server', async (t) => {
  const cm = obj(byKind('ConfigMap', 'portcullis-config')[0]);
  const shared = Object.fromEntries(Object.entries(obj(cm.data)).map(([k, v]) => [k, String(v)]));
  for (const k of Object.keys(shared)) t.ok(knownEnv.has(k), `${k} is a server option`);
  const secret = obj(byKind('Secret', 'portcullis-admin')[0]);
  const adminKey = String(obj(secret.stringData)['admin-key'] ?? '');
  const seen = new Set<string>();
  for (const dep of byKind('Deployment')) {
    const name = String(obj(dep.metadata).name);
    const pod = obj(obj(obj(dep.spec).template).spec);
    const c = obj(arr(pod.containers)[0]);
    const env: Record<string, string> = { ...shared };
    for (const e of arr(c.env).map(obj)) {
      const k = String(e.name);
      t.ok(knownEnv.has(k), `${name}: ${k} is a server option`);
      if (typeof e.value === 'string') env[k] = e.value;
      else if (obj(e.valueFrom).secretKeyRef) env[k] = adminKey;
      else env[k] = 'pod-1';
    }
    t.ok(arr(c.envFrom).some((e) => obj(obj(e).configMapRef).name === 'portcullis-config'), `${name} takes the shared settings`);
    const role = env.PORTCULLIS_ROLE ?? '';
    t.ok((roles as readonly string[]).includes(role), `${name}: role ${role}`);
    seen.add(role);
    const args = arr(c.args).map(String);
    const i = args.indexOf('--role');
    if (i >= 0) t.equal(args[i + 1], role, `${name}: --role agrees with PORTCULLIS_ROLE`);
    const config = configOf(env);
    t.equal(config.role, role);
    const http = arr(c.ports).map(obj).find((p) => p.name === 'http');
    t.equal(http?.containerPort, config.port, `${name}: container port = PORTCULLIS_PORT`);
    t.equal(config.host, '0.0.0.0', `${name}: listens on every interface`);
    t.equal(config.replicas, 3, `${name}: R3 buckets and streams`);
    t.same(obj(obj(c.livenessProbe).httpGet), { path: '/healthz', port: 'http' }, `${name}: liveness on /healthz`);
    t.same(obj(obj(c.readinessProbe).httpGet), { path: '/readyz', port: 'http' }, `${name}: readiness on /readyz`);
    const urls = config.natsUrl.split(',');
    const nats = obj(byKind('StatefulSet', 'nats')[0]);
    const natsReplicas = Number(obj(nats.spec).replicas);
    t.equal(urls.length, natsReplicas, `${name}: PORTCULLIS_NATS_URL lists every NATS node`);
    for (let n = 0; n < natsReplicas; n++) t.ok(urls.includes(`nats://nats-${n}.${String(obj(nats.spec).serviceName)}:4222`), `${name}: nats-${n}`);
  }
  t.same([...seen].sort(), ['actors', 'frontend'], 'frontends and actor hosts');
  const svc = obj(byKind('Service', 'portcullis')[0]);
  t.equal(obj(arr(obj(svc.spec).ports)[0]).targetPort, 'http', 'the Service targets the frontends’ http port');
  t.equal(obj(obj(svc.spec).selector)['app.kubernetes.io/component'], 'frontend', 'the Service selects frontends only');
});

t.test('kubernetes: NATS is a 3-node JetStream cluster', async (t) => {
  const sts = obj(byKind('StatefulSet', 'nats')[0]);
  t.equal(obj(sts.spec).replicas, 3);
  const conf = String(obj(obj(byKind('ConfigMap', 'nats-config')[0]).data)['nats.conf']);
  t.match(conf, /jetstream \{/);
  t.match(conf, /listen: 0\.0\.0\.0:4222/);
  for (let n = 0; n < 3; n++) t.match(conf, new RegExp(`nats-route://nats-${n}\\.nats:6222`), `route to nats-${n}`);
  const c = obj(arr(obj(obj(obj(sts.spec).template).spec).containers)[0]);
  t.match(String(c.image), /^nats:2\.9\./, 'the NATS version tested here');
  t.ok(c.readinessProbe && c.livenessProbe, 'probed');
  t.equal(arr(obj(sts.spec).volumeClaimTemplates).length, 1, 'JetStream on a persistent volume');
});

t.test('compose: 3 NATS nodes, frontends and actor hosts that agree with the server', async (t) => {
  const compose = obj(parse(readFileSync(join(deploy, 'compose', 'compose.yaml'), 'utf8'), { merge: true }));
  const services = obj(compose.services);
  const nats = Object.entries(services).filter(([, s]) => String(obj(s).image).startsWith('nats:'));
  t.equal(nats.length, 3, 'three NATS nodes');
  const names = nats.map(([n]) => n);
  for (const [n, s] of nats) {
    const cmd = arr(obj(s).command).map(String);
    t.ok(cmd.includes('-js'), `${n}: JetStream`);
    const routes = cmd[cmd.indexOf('--routes') + 1] ?? '';
    for (const other of names) t.ok(routes.includes(`nats://${other}:6222`), `${n}: route to ${other}`);
  }
  const roleCount: Record<string, number> = {};
  for (const [n, s] of Object.entries(services)) {
    const env = obj(obj(s).environment);
    if (!env.PORTCULLIS_ROLE) continue;
    const strEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) {
      t.ok(knownEnv.has(k), `${n}: ${k} is a server option`);
      strEnv[k] = String(v).includes('${PORTCULLIS_ADMIN_KEY') ? 'x'.repeat(32) : String(v).replace(/^\$\{[A-Z_]+:-(.*)\}$/, '$1');
    }
    const config = configOf(strEnv);
    roleCount[config.role] = (roleCount[config.role] ?? 0) + 1;
    t.equal(config.replicas, 3, `${n}: R3`);
    for (const u of config.natsUrl.split(',')) t.ok(names.includes(new URL(u).hostname), `${n}: ${u} is a NATS service`);
    t.equal(config.natsUrl.split(',').length, 3, `${n}: every NATS node listed`);
    const check = arr(obj(obj(s).healthcheck).test).join(' ');
    t.match(check, new RegExp(`127\\.0\\.0\\.1:${config.port}/readyz`), `${n}: healthcheck on /readyz at PORTCULLIS_PORT`);
    for (const p of arr(obj(s).ports).map(String)) t.ok(p.endsWith(`:${config.port}`), `${n}: publishes PORTCULLIS_PORT`);
  }
  t.same(roleCount, { frontend: 2, actors: 3 }, '2 frontends, 3 actor hosts');
});

t.test('Dockerfile and the cluster script', async (t) => {
  const docker = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
  t.match(docker, /ENTRYPOINT \["node", "bin\/portcullis\.js", "serve"\]/);
  const port = /PORTCULLIS_PORT=(\d+)/.exec(docker)?.[1];
  t.match(docker, new RegExp(`EXPOSE ${port}`), 'exposes PORTCULLIS_PORT');
  const script = join(deploy, 'scripts', 'start-nats-cluster.sh');
  const syntax = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
  t.equal(syntax.status, 0, `start-nats-cluster.sh is valid bash ${syntax.stderr}`);
  t.match(readFileSync(script, 'utf8'), /PORTCULLIS_REPLICAS=3/);
});

t.test('the nginx forward-auth example matches the endpoint', async (t) => {
  const conf = readFileSync(join(deploy, 'nginx', 'forward-auth.conf'), 'utf8');
  t.match(conf, /proxy_pass http:\/\/portcullis\/forward-auth;/);
  t.match(conf, /proxy_http_version 1\.1;/, 'HTTP/1.1 to the frontend');
  t.match(conf, /proxy_set_header X-Portcullis-Authorization "Basic /, 'the gateway authenticates');
  for (const h of ['X-Original-URI', 'X-Original-Method', 'X-Original-Host']) t.match(conf, new RegExp(`proxy_set_header ${h} `), h);
  t.match(conf, /\$upstream_http_x_portcullis_obligations/, 'obligations reach the upstream');
});
