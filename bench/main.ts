// `npm run bench -- <name> [options]`: each benchmark is one file ./<name>.ts exporting `run(args)`.
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ext = extname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const file = name && /^[a-z][a-z-]*$/.test(name) ? join(here, `${name}${ext}`) : '';
if (!file || !existsSync(file) || name === 'main') {
  console.error('usage: npm run bench -- <token|introspect|decision|compiler|...> [options]');
  process.exit(2);
}
const mod = (await import(pathToFileURL(file).href)) as { run(args: string[]): Promise<void> };
await mod.run(args);
