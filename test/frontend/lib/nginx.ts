// Debian's nginx in front of an upstream, asking Portcullis's forward-auth endpoint about every request
// (`auth_request`), with the decision's headers passed on to the upstream. For tests and benchmarks.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The nginx binary, installing Debian's package when it is missing; undefined when that fails. */
export function nginxBinary(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (spawnSync(p, ['-v']).status === 0) return p;
  const apt = spawnSync('apt-get', ['install', '-y', 'nginx'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt.status !== 0) return undefined;
  return spawnSync('/usr/sbin/nginx', ['-v']).status === 0 ? '/usr/sbin/nginx' : undefined;
}

export interface NginxOptions {
  binary: string;
  port: number;
  /** host:port of the upstream the protected location proxies to */
  upstream: string;
  /** host:port of Portcullis */
  portcullis: string;
  /** `Basic …` credentials of the resource server's client (the gateway's identity). */
  gatewayAuthorization: string;
  /** Extra policy hints, sent as X-Portcullis-Resource-Type etc. */
  resourceType?: string;
  workers?: number;
}

export interface Nginx {
  url: string;
  pid: number;
  errorLog(): string;
  stop(): Promise<void>;
}

/** The nginx configuration: the pattern a deployment copies (see deploy/README.md). */
export function nginxConfig(dir: string, o: NginxOptions): string {
  return `worker_processes ${o.workers ?? 1};
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream portcullis { server ${o.portcullis}; keepalive 32; }
  upstream app { server ${o.upstream}; keepalive 32; }
  server {
    listen 127.0.0.1:${o.port};
    location / {
      auth_request /_portcullis;
      auth_request_set $pc_obligations $upstream_http_x_portcullis_obligations;
      auth_request_set $pc_types $upstream_http_x_portcullis_obligation_types;
      auth_request_set $pc_client $upstream_http_x_portcullis_client_id;
      auth_request_set $pc_scope $upstream_http_x_portcullis_scope;
      auth_request_set $pc_decision $upstream_http_x_portcullis_decision_id;
      proxy_set_header X-Portcullis-Obligations $pc_obligations;
      proxy_set_header X-Portcullis-Obligation-Types $pc_types;
      proxy_set_header X-Portcullis-Client-Id $pc_client;
      proxy_set_header X-Portcullis-Scope $pc_scope;
      proxy_set_header X-Portcullis-Decision-Id $pc_decision;
      proxy_set_header Authorization "";
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://app;
    }
    location = /_portcullis {
      internal;
      proxy_pass http://portcullis/forward-auth;
      # uWebSockets.js speaks HTTP/1.1 only (nginx proxies with 1.0 unless told).
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      # DPoP-bound tokens: the proof's htu names the scheme and host the client used.
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Portcullis-Authorization "${o.gatewayAuthorization}";
${o.resourceType ? `      proxy_set_header X-Portcullis-Resource-Type "${o.resourceType}";\n` : ''}    }
  }
}
`;
}

export async function startNginx(o: NginxOptions): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-nginx-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, o));
  const proc: ChildProcess = spawn(o.binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; user root;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const errorLog = (): string => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const url = `http://127.0.0.1:${o.port}`;
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    const up = await fetch(`${url}/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (i > 100 || proc.exitCode !== null) {
      const msg = `nginx did not start: ${stderr} ${errorLog()}`;
      await stop();
      throw new Error(msg);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, pid: proc.pid ?? 0, errorLog, stop };
}
