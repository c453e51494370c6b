// A batch of decisions as the pool sends it to a worker: one string, `<entrypoint>\n<input JSON>` per
// decision, decisions joined by NUL. The framing holds because an entrypoint has neither character (the
// pool refuses one that has) and JSON text never holds a raw NUL (it is not whitespace, and strings
// escape it); a newline inside the JSON is harmless, as only the first one in a part is the separator.
// A decision without input has nothing after its newline.
import type { EvalItem } from '../types.js';

export function encodeBatch(items: readonly { entrypoint: string; inputJson: string | undefined }[]): string {
  let s = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as { entrypoint: string; inputJson: string | undefined };
    if (i > 0) s += '\0';
    s += `${item.entrypoint}\n${item.inputJson ?? ''}`;
  }
  return s;
}

export function decodeBatch(batch: string): EvalItem[] {
  if (batch === '') return [];
  return batch.split('\0').map((part) => {
    const nl = part.indexOf('\n');
    const entrypoint = nl < 0 ? part : part.slice(0, nl);
    const json = nl < 0 ? '' : part.slice(nl + 1);
    return json === '' ? { entrypoint } : { entrypoint, inputJson: json };
  });
}
