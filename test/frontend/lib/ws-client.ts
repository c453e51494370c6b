// A minimal WebSocket client for tests (RFC 6455, text frames from the server, no extensions): Node 20 has
// no WebSocket global, and this keeps the tests free of a dependency just for reading a stream.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

export interface WsConnection {
  /** Text messages received so far. */
  messages: string[];
  /** Resolves with the close code (and reason) when the server closes. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `n` messages have arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<string[]>;
  close(): void;
}

export type WsResult = { status: 101; ws: WsConnection } | { status: number; ws?: undefined; headers: Record<string, string | string[] | undefined>; body: string };

function mask(payload: Buffer, opcode: number): Buffer {
  const key = randomBytes(4);
  const head = Buffer.from([0x80 | opcode, 0x80 | payload.length]);
  const masked = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] as number)));
  return Buffer.concat([head, key, masked]);
}

export function connectWs(url: string, headers: Record<string, string> = {}): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      const messages: string[] = [];
      const waiters: (() => void)[] = [];
      let buf = head;
      let resolveClosed: (v: { code: number; reason: string }) => void = () => undefined;
      const closed = new Promise<{ code: number; reason: string }>((r) => {
        resolveClosed = r;
      });
      const parse = (): void => {
        for (;;) {
          if (buf.length < 2) return;
          const opcode = (buf[0] as number) & 0x0f;
          let len = (buf[1] as number) & 0x7f;
          let off = 2;
          if (len === 126) {
            if (buf.length < 4) return;
            len = buf.readUInt16BE(2);
            off = 4;
          } else if (len === 127) {
            if (buf.length < 10) return;
            len = Number(buf.readBigUInt64BE(2));
            off = 10;
          }
          if (buf.length < off + len) return;
          const payload = buf.subarray(off, off + len);
          buf = buf.subarray(off + len);
          if (opcode === 1) {
            messages.push(payload.toString('utf8'));
            for (const w of waiters.splice(0)) w();
          } else if (opcode === 8) {
            resolveClosed({ code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString('utf8') });
            socket.end();
          } else if (opcode === 9) {
            socket.write(mask(payload, 10));
          }
        }
      };
      socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        parse();
      });
      socket.on('close', () => resolveClosed({ code: 1006, reason: 'connection lost' }));
      parse();
      const ws: WsConnection = {
        messages,
        closed,
        waitFor(n, timeoutMs = 5000) {
          return new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error(`only ${messages.length} of ${n} messages within ${timeoutMs} ms`)), timeoutMs);
            const check = (): void => {
              if (messages.length >= n) {
                clearTimeout(timer);
                res(messages.slice());
              } else waiters.push(check);
            };
            check();
          });
        },
        close() {
          socket.write(mask(Buffer.from([0x03, 0xe8]), 8));
          socket.end();
        },
      };
      resolve({ status: 101, ws });
    });
    req.end();
  });
}
