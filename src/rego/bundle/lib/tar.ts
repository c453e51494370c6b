// A minimal ustar reader/writer: regular files only, as OPA's bundle writer emits them (names with a
// leading "/", mode 0600). Reading also accepts directories, PAX `path` records and GNU long names.

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    if (name.length > 100) chunks.push(...paxPath(e.name));
    chunks.push(header(name.length > 100 ? Buffer.from(e.name.slice(0, 99)) : name, e.data.length, '0'));
    chunks.push(e.data, new Uint8Array(padding(e.data.length)));
  }
  chunks.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(chunks);
}

function padding(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}

function paxPath(name: string): Uint8Array[] {
  const body = (len: number) => `${len} path=${name}\n`;
  let len = Buffer.byteLength(body(0));
  while (Buffer.byteLength(body(len)) !== len) len = Buffer.byteLength(body(len));
  const data = Buffer.from(body(len), 'utf8');
  return [header(Buffer.from('PaxHeader'), data.length, 'x'), data, new Uint8Array(padding(data.length))];
}

function header(name: Uint8Array, size: number, type: string): Uint8Array {
  const h = Buffer.alloc(BLOCK);
  h.set(name, 0);
  h.write('0000600\0', 100, 'ascii'); // mode
  h.write('0000000\0', 108, 'ascii'); // uid
  h.write('0000000\0', 116, 'ascii'); // gid
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii'); // mtime 0: builds are reproducible
  h.write('        ', 148, 'ascii'); // checksum placeholder
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('0000000\0', 329, 'ascii'); // devmajor
  h.write('0000000\0', 337, 'ascii'); // devminor
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

export function readTar(bytes: Uint8Array): TarEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    let stored = 0;
    for (let i = 0; i < BLOCK; i++) stored += i >= 148 && i < 156 ? 32 : (h[i] as number);
    const sum = parseInt(h.toString('ascii', 148, 156).replace(/\0.*$/s, '').trim(), 8);
    if (sum !== stored) throw new TarFormatError(`bad tar header checksum at offset ${off}`);
    const size = parseInt(h.toString('ascii', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = h.toString('ascii', 156, 157);
    const prefix = h.toString('utf8', 345, 500).replace(/\0.*$/s, '');
    let name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    if (h.toString('ascii', 257, 262) === 'ustar' && prefix) name = `${prefix}/${name}`;
    const dataStart = off + BLOCK;
    if (dataStart + size > buf.length) throw new TarFormatError(`truncated tar entry '${name}'`);
    const data = buf.subarray(dataStart, dataStart + size);
    off = dataStart + size + padding(size);
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'g') continue;
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if (type === '0' || type === '\0' || type === '') entries.push({ name, data: new Uint8Array(data) });
  }
  return entries;
}
