// A token record as the token bucket stores it: msgpack, with the policy input as the JSON text the
// policy pool already made for it (when the record has it) instead of the input encoded once more
// field by field. Read back, the record keeps that text; `recordInput` parses it when it is needed.
import { type ValueCodec, decode, encode } from '../bus/index.js';
import type { TokenRecord } from './token-record.js';

function encodeTokenRecord(record: TokenRecord): Uint8Array {
  if (record.input_json === undefined || record.input === undefined) return encode(record);
  const { input: _input, ...wire } = record;
  return encode(wire);
}

function decodeTokenRecord(bytes: Uint8Array): TokenRecord {
  return decode<TokenRecord>(bytes);
}

export const tokenRecordCodec: ValueCodec<TokenRecord> = { encode: encodeTokenRecord, decode: decodeTokenRecord };
