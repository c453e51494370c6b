// The one msgpack codec every NATS payload in Portcullis goes through (msgpackr, plain maps, no records,
// so a message decodes the same in any process regardless of what it decoded before).
import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, int64AsType: 'number' });

export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Decodes a payload; throws `SyntaxError`-like errors from msgpackr on garbage, which callers map. */
export function decode<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}
