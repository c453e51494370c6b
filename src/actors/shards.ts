// A key's shard: FNV-1a (32-bit) of its UTF-16 code units modulo the shard count. Stable across
// processes and versions — changing it would move every key, so it never changes.

export function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}
