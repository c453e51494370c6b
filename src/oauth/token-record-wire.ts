// A token record as the token bucket stores it: msgpack, with the policy input as the JSON text the
// policy pool already made for it (when the record has it) instead of the input encoded once more
// field by field. Reading restores `input` from that text, so a record reads back the same either way.
import { type ValueCodec, decode, encode } from '../bus/index.js';
import type { PolicyInput } from './policy-input.js';
import type { TokenRecord } from './token-record.js';

type WireRecord = Omit<TokenRecord, 'input'> & { input?: PolicyInput };

function encodeTokenRecord(record: TokenRecord): Uint8Array {
  if (record.input_json === undefined) return encode(record);
  const { input: _input, ...wire } = record;
  return encode(wire);
}

function decodeTokenRecord(bytes: Uint8Array): TokenRecord {
  const wire = decode<WireRecord>(bytes);
  if (wire.input === undefined && typeof wire.input_json === 'string') wire.input = JSON.parse(wire.input_json) as PolicyInput;
  return wire as TokenRecord;
}

export const tokenRecordCodec: ValueCodec<TokenRecord> = { encode: encodeTokenRecord, decode: decodeTokenRecord };
