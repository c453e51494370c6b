// Every answered request has a deadline at the edge: work that never settles (a policy worker stuck on an
// evaluation, an actor call in this process, which has no NATS timeout) becomes 503 + Retry-After in the
// OAuth error form, never a hang; a result arriving after that is not sent a second time.
import t from 'tap';
import type { Exchange } from '../../src/frontend/lib/http.js';
import { type RenderOptions, answer } from '../../src/frontend/lib/respond.js';

function fakeExchange(): { ex: Exchange; sent: { status: string; headers: Record<string, string>; body: string }[] } {
  const sent: { status: string; headers: Record<string, string>; body: string }[] = [];
  let cur = { status: '', headers: {} as Record<string, string>, body: '' };
  const res = {
    cork: (f: () => void) => f(),
    writeStatus: (s: string) => {
      cur = { status: s, headers: {}, body: '' };
    },
    writeHeader: (k: string, v: string) => {
      cur.headers[k] = v;
    },
    end: (b: string) => {
      cur.body = b;
      sent.push(cur);
    },
  };
  const ex = { res, info: { t0: performance.now() }, aborted: false, done: false } as unknown as Exchange;
  return { ex, sent };
}

const opts = (deadlineMs: number, outcomes: string[]): RenderOptions => ({
  retryAfterSeconds: 2,
  challenge: 'Basic realm="x"',
  deadlineMs,
  onDone: (_e, o) => outcomes.push(o),
  onInternalError: () => undefined,
});

t.test('work that never settles is answered 503 at the deadline', async (t) => {
  const { ex, sent } = fakeExchange();
  const outcomes: string[] = [];
  answer(ex, 'token', opts(50, outcomes), () => new Promise(() => undefined));
  await new Promise((r) => setTimeout(r, 300));
  t.equal(sent.length, 1, 'one answer');
  t.match(sent[0]?.status, /^503/);
  t.equal(sent[0]?.headers['Retry-After'], '2');
  t.same(JSON.parse(sent[0]?.body ?? '{}'), { error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable; retry later' });
  t.same(outcomes, ['temporarily_unavailable']);
});

t.test('a result after the deadline is not sent again; one in time clears the deadline', async (t) => {
  const late = fakeExchange();
  const outcomes: string[] = [];
  answer(late.ex, 'token', opts(30, outcomes), () => new Promise((r) => setTimeout(() => r({ status: 200, body: { ok: true } }), 120)));
  await new Promise((r) => setTimeout(r, 250));
  t.equal(late.sent.length, 1, 'only the 503');
  t.same(outcomes, ['temporarily_unavailable'], 'counted once');
  const quick = fakeExchange();
  const outcomes2: string[] = [];
  answer(quick.ex, 'token', opts(60, outcomes2), async () => ({ status: 200, body: { ok: true } }));
  await new Promise((r) => setTimeout(r, 150));
  t.equal(quick.sent.length, 1);
  t.match(quick.sent[0]?.status, /^200/);
  t.same(outcomes2, ['200']);
});
