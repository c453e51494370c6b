// `portcullis serve`: runs the token service (frontend and actor host in one process) until SIGINT or
// SIGTERM. Options override the environment and the config file.
import { ConfigError, loadConfig } from '../../config/index.js';
import { type Config, type Role, roles } from '../../config/index.js';
import { startServer } from '../../server/index.js';
import type { CliCommand } from '../main.js';

const usage = `usage: portcullis serve [--host H] [--port P] [--nats URL] [--config FILE] [--role frontend|actors|all]
  --role: frontend (HTTP only; any number share one port), actors (shards and policy workers; HTTP only
  for /healthz, /readyz, /metrics) or all (default). Environment: PORTCULLIS_ROLE, PORTCULLIS_HOST, PORTCULLIS_PORT, PORTCULLIS_NATS_URL, PORTCULLIS_CONFIG, … (see README).`;

function parseArgs(args: string[]): { overrides: Partial<Config>; configFile?: string } | string {
  const overrides: Partial<Config> = {};
  let configFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    const need = (): string => {
      if (v === undefined) throw new ConfigError(`${a} needs a value`);
      i++;
      return v;
    };
    switch (a) {
      case '--host':
        overrides.host = need();
        break;
      case '--port': {
        const p = Number(need());
        if (!Number.isInteger(p) || p < 0 || p > 65535) return '--port must be 0-65535';
        overrides.port = p;
        break;
      }
      case '--nats':
        overrides.natsUrl = need();
        break;
      case '--config':
        configFile = need();
        break;
      case '--role': {
        const role = need();
        if (!(roles as readonly string[]).includes(role)) return `--role ${role}: must be one of ${roles.join(', ')}`;
        overrides.role = role as Role;
        break;
      }
      case '-h':
      case '--help':
        return usage;
      default:
        return `unknown option ${a}\n${usage}`;
    }
  }
  return configFile === undefined ? { overrides } : { overrides, configFile };
}

export const command: CliCommand = {
  summary: 'run the token service (HTTP frontend + actor host) against NATS',
  async run(args) {
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      console.error(parsed);
      return parsed === usage ? 0 : 2;
    }
    const env = parsed.configFile ? { ...process.env, PORTCULLIS_CONFIG: parsed.configFile } : process.env;
    let config: Config;
    try {
      config = loadConfig(parsed.overrides, env);
    } catch (err) {
      console.error(`portcullis: ${(err as Error).message}`);
      return 2;
    }
    const server = await startServer(config);
    console.log(`portcullis: serving on ${server.url} (role ${config.role}, replicas ${server.replicas}, issuer ${config.issuer}, NATS ${config.natsUrl}, host id ${config.hostId})`);
    if (!config.adminKey) console.log('portcullis: admin API disabled (set PORTCULLIS_ADMIN_KEY to enable /admin)');
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    console.log('portcullis: stopping');
    await server.stop();
    return 0;
  },
};
