// A small client of the admin API for the CLI (`portcullis clients create …`): turns `--flag value`
// arguments into a JSON body, calls /admin/..., prints the JSON answer.

export interface AdminCommandSpec {
  /** URL segment under /admin. */
  segment: string;
  /** Singular noun for messages. */
  noun: string;
  /** Flag aliases: `--name` → `client_name`, … (others map `--foo-bar` → `foo_bar`). */
  aliases?: Record<string, string>;
  /** Fields holding lists, given comma-separated or repeated. */
  lists?: string[];
  /** Fields holding integers. */
  ints?: string[];
  /** Flags that stand alone and set a field to true. */
  switches?: Record<string, string>;
  /** Fields holding JSON. */
  jsons?: string[];
  /** The field the positional id fills on create (`client_id`, `id`, `name`). */
  idField: string;
  /** Extra subcommands: name → (id, body) → [method, path suffix]. */
  extra?: Record<string, { method: string; suffix: string; summary: string }>;
}

export interface AdminCommandIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
}

function usage(spec: AdminCommandSpec): string {
  const extra = Object.entries(spec.extra ?? {}).map(([n, e]) => `  ${n} <id> [--flags]   ${e.summary}`);
  return [
    `usage: portcullis ${spec.segment} <create|get|list|update|delete> [id] [--field value ...] [--json '{...}']`,
    `  create [--flags]      create a ${spec.noun}${spec.segment === 'clients' ? ' (prints the secret once)' : ''}`,
    `  get <id>              show one`,
    `  list                  list all`,
    `  update <id> [--flags] change fields (PUT; clients merge, policy data replaces)`,
    `  delete <id>           delete one`,
    ...extra,
    'options: --url URL (PORTCULLIS_URL, default http://127.0.0.1:8080), --admin-key KEY (PORTCULLIS_ADMIN_KEY)',
    `fields: --flag-name value sets flag_name; lists: ${(spec.lists ?? []).join(', ') || '-'}; integers: ${(spec.ints ?? []).join(', ') || '-'}; JSON: ${(spec.jsons ?? []).join(', ') || '-'}`,
  ].join('\n');
}

class UsageError extends Error {}

function parseFlags(spec: AdminCommandSpec, args: string[]): { positional: string[]; body: Record<string, unknown>; url?: string; key?: string } {
  const positional: string[] = [];
  const body: Record<string, unknown> = {};
  let url: string | undefined;
  let key: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const flag = a.slice(2);
    if (spec.switches?.[flag]) {
      body[spec.switches[flag] as string] = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new UsageError(`${a} needs a value`);
    if (flag === 'url') url = value;
    else if (flag === 'admin-key') key = value;
    else if (flag === 'json') {
      let v: unknown;
      try {
        v = JSON.parse(value);
      } catch {
        throw new UsageError('--json must be a JSON object');
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError('--json must be a JSON object');
      Object.assign(body, v);
    } else {
      const field = spec.aliases?.[flag] ?? flag.replace(/-/g, '_');
      if (spec.lists?.includes(field)) {
        const prev = Array.isArray(body[field]) ? (body[field] as string[]) : [];
        body[field] = [...prev, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
      } else if (spec.ints?.includes(field)) {
        if (!/^-?\d+$/.test(value)) throw new UsageError(`--${flag} must be an integer`);
        body[field] = Number(value);
      } else if (spec.jsons?.includes(field)) {
        try {
          body[field] = JSON.parse(value);
        } catch {
          throw new UsageError(`--${flag} must be JSON`);
        }
      } else body[field] = value;
    }
  }
  return { positional, body, ...(url ? { url } : {}), ...(key ? { key } : {}) };
}

/** Runs one admin subcommand; resolves to the exit code. */
export async function runAdminCommand(spec: AdminCommandSpec, args: string[], io: AdminCommandIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === 'help' || sub === '--help' || sub === '-h') {
    io.out(usage(spec));
    return sub ? 0 : 2;
  }
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(spec, rest);
  } catch (err) {
    io.err(`portcullis ${spec.segment}: ${(err as Error).message}`);
    return 2;
  }
  const base = (parsed.url ?? io.env.PORTCULLIS_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = parsed.key ?? io.env.PORTCULLIS_ADMIN_KEY;
  if (!key) {
    io.err(`portcullis ${spec.segment}: an admin key is required (--admin-key or PORTCULLIS_ADMIN_KEY)`);
    return 2;
  }
  const [id] = parsed.positional;
  const needId = (): string => {
    if (!id) throw new UsageError(`${sub} needs the ${spec.noun}'s id`);
    return encodeURIComponent(id);
  };
  let method: string;
  let path = `/admin/${spec.segment}`;
  let body: Record<string, unknown> | undefined;
  let mergeFirst = false;
  try {
    switch (sub) {
      case 'create':
        method = 'POST';
        body = id ? { [spec.idField]: id, ...parsed.body } : parsed.body;
        break;
      case 'get':
        method = 'GET';
        path += `/${needId()}`;
        break;
      case 'list':
        method = 'GET';
        break;
      case 'update':
        method = 'PUT';
        path += `/${needId()}`;
        body = parsed.body;
        if (spec.segment !== 'clients') mergeFirst = true;
        break;
      case 'delete':
        method = 'DELETE';
        path += `/${needId()}`;
        break;
      default: {
        const extra = spec.extra?.[sub];
        if (!extra) throw new UsageError(`unknown subcommand ${sub}\n${usage(spec)}`);
        method = extra.method;
        path += `/${needId()}${extra.suffix}`;
        body = parsed.body;
      }
    }
  } catch (err) {
    io.err(`portcullis ${spec.segment}: ${(err as Error).message}`);
    return 2;
  }
  let res: Response;
  try {
    if (mergeFirst) {
      // Policy data is replaced by PUT: start from the current record so unnamed fields stay.
      const cur = await io.fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${key}` } });
      if (cur.ok) body = { ...((await cur.json()) as Record<string, unknown>), ...body };
    }
    res = await io.fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (err) {
    io.err(`portcullis ${spec.segment}: cannot reach ${base}: ${(err as Error).message}`);
    return 1;
  }
  const text = await res.text();
  if (res.status === 204) {
    io.out(JSON.stringify({ deleted: id }));
    return 0;
  }
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: print as it came
  }
  if (!res.ok) {
    io.err(pretty);
    return 1;
  }
  io.out(pretty);
  return 0;
}

export const defaultIo: AdminCommandIo = {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  env: process.env,
  fetch: (input, init) => fetch(input, init),
};
