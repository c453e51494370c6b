// `portcullis <command> [...]`: each command is one file under ./commands exporting `run(args)`.
// Commands are loaded by name so that adding one needs no edit here.
import { readdirSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CliCommand {
  /** One line shown by `portcullis help`. */
  summary: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

const here = dirname(fileURLToPath(import.meta.url));
const ext = extname(fileURLToPath(import.meta.url));

function commandNames(): string[] {
  return readdirSync(`${here}/commands`)
    .filter((f) => f.endsWith(ext) && !f.endsWith(`.d${ext}`))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

async function loadCommand(name: string): Promise<CliCommand | undefined> {
  if (!/^[a-z][a-z-]*$/.test(name) || !commandNames().includes(name)) return undefined;
  const mod = (await import(pathToFileURL(`${here}/commands/${name}${ext}`).href)) as { command: CliCommand };
  return mod.command;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const lines = ['usage: portcullis <command> [options]', '', 'commands:'];
    for (const n of commandNames()) {
      const c = await loadCommand(n);
      lines.push(`  ${n.padEnd(18)} ${c?.summary ?? ''}`);
    }
    console.log(lines.join('\n'));
    return name ? 0 : 2;
  }
  const command = await loadCommand(name);
  if (!command) {
    console.error(`portcullis: unknown command '${name}' (try 'portcullis help')`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`portcullis: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
