// Go's fmt.Sprintf, as OPA's `sprintf` builtin calls it: integers are Go ints (or big.Int), other numbers
// float64, strings Go strings, and every other value its Rego text (`[1, 2]`, `{"a": 1}`, `true`).
// Wrong verbs, missing and extra operands render as Go renders them (`%!d(string=x)`, `%!s(MISSING)`).

type GoArg = { kind: 'int'; value: bigint } | { kind: 'float'; value: number } | { kind: 'string'; value: string };

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

export function goSprintf(format: string, values: readonly unknown[]): string {
  const args = values.map(toGoArg);
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = true;
      else break;
    }
    if (format[i] === '*') {
      i++;
      const a = args[argi++];
      if (a?.kind === 'int') {
        spec.width = Number(a.value);
        if (spec.width < 0) {
          spec.minus = true;
          spec.width = -spec.width;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        if (a?.kind === 'int' && a.value >= 0n) spec.prec = Number(a.value);
        else out += '%!(BADPREC)';
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argi++] as GoArg;
    if (spec.minus) spec.zero = false;
    out += formatArg(verb, arg, spec);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => `${goTypeName(a)}=${formatArg('v', a, { minus: false, plus: false, sharp: false, space: false, zero: false })}`)
      .join(', ')})`;
  }
  return out;
}

function toGoArg(v: unknown): GoArg {
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return { kind: 'int', value: BigInt(v) };
    return { kind: 'float', value: v };
  }
  return { kind: 'string', value: regoText(v) };
}

/** The text OPA's `ast.Term.String()` gives a value (sets arrive from the SDK as arrays). */
function regoText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(regoText).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${regoText(x)}`).join(', ')}}`;
}

function goTypeName(a: GoArg): string {
  return a.kind === 'int' ? (a.value >= -(2n ** 63n) && a.value < 2n ** 63n ? 'int' : '*big.Int') : a.kind === 'float' ? 'float64' : 'string';
}

function formatArg(verb: string, arg: GoArg, spec: Spec): string {
  switch (arg.kind) {
    case 'int':
      return formatInt(verb, arg, spec);
    case 'float':
      return formatFloat(verb, arg, spec);
    case 'string':
      return formatString(verb, arg, spec);
  }
}

function badVerb(verb: string, arg: GoArg): string {
  const plain: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
  return `%!${verb}(${goTypeName(arg)}=${formatArg('v', arg, plain)})`;
}

function pad(s: string, spec: Spec, zeroOk: boolean): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  const fill = width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && zeroOk) {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function signed(neg: boolean, body: string, spec: Spec): string {
  return (neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '') + body;
}

function formatInt(verb: string, arg: { kind: 'int'; value: bigint }, spec: Spec): string {
  const neg = arg.value < 0n;
  const abs = neg ? -arg.value : arg.value;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (spec.sharp) prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(arg.value)), spec, false);
    case 'q':
      return pad(`'${String.fromCodePoint(Number(arg.value))}'`, spec, false);
    case 'U':
      return pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      // Go formats an int operand of a float verb as a bad verb.
      return badVerb(verb, arg);
    default:
      return badVerb(verb, arg);
  }
  if (spec.prec !== undefined) {
    digits = spec.prec === 0 && abs === 0n ? '' : digits.padStart(spec.prec, '0');
    return pad(signed(neg, prefix + digits, spec), { ...spec, zero: false }, false);
  }
  if (spec.zero && spec.width !== undefined && !spec.minus) {
    const sign = neg || spec.plus || spec.space ? 1 : 0;
    digits = digits.padStart(spec.width - sign - prefix.length, '0');
  }
  return pad(signed(neg, prefix + digits, spec), spec, false);
}

function formatFloat(verb: string, arg: { kind: 'float'; value: number }, spec: Spec): string {
  const f = arg.value;
  if (!Number.isFinite(f)) {
    const s = Number.isNaN(f) ? 'NaN' : f > 0 ? (spec.plus ? '+Inf' : spec.space ? ' Inf' : '+Inf'.slice(1)) : '-Inf';
    return pad(s, spec, false);
  }
  const neg = f < 0 || Object.is(f, -0);
  const abs = Math.abs(f);
  let body: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      body = formatG(abs, spec.prec, spec.sharp);
      if (verb === 'G') body = body.toUpperCase();
      break;
    case 'e':
    case 'E':
      body = formatE(abs, spec.prec ?? 6);
      if (verb === 'E') body = body.toUpperCase();
      break;
    case 'f':
    case 'F':
      body = abs.toFixed(spec.prec ?? 6);
      break;
    default:
      return badVerb(verb, arg);
  }
  return pad(signed(neg, body, spec), spec, true);
}

/** Go's %e: mantissa with `prec` decimals, exponent sign and at least two digits. */
function formatE(abs: number, prec: number): string {
  const [m, e] = abs.toExponential(Math.min(prec, 100)).split('e') as [string, string];
  const exp = Number(e);
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Go's %g (and %v): shortest digits unless a precision is given; %e form when exp < -4 or exp >= precision. */
function formatG(abs: number, prec: number | undefined, sharp: boolean): string {
  if (abs === 0) return '0';
  let digits: string; // significant digits, no dot
  let exp: number; // decimal exponent of the first digit
  if (prec === undefined) {
    const [m, e] = abs.toExponential().split('e') as [string, string];
    digits = m.replace('.', '');
    exp = Number(e);
  } else {
    const p = prec === 0 ? 1 : prec;
    const [m, e] = abs.toExponential(Math.min(p - 1, 100)).split('e') as [string, string];
    digits = m.replace('.', '');
    exp = Number(e);
    if (!sharp) digits = digits.replace(/0+$/, '') || '0';
  }
  // strconv.FormatFloat(f, 'g', -1, 64) — what %v uses — switches to %e at exponent 6.
  const threshold = prec === undefined ? 6 : prec === 0 ? 1 : prec;
  if (exp < -4 || exp >= threshold) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function formatString(verb: string, arg: { kind: 'string'; value: string }, spec: Spec): string {
  let s = arg.value;
  switch (verb) {
    case 'v':
    case 's':
      if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join('');
      return pad(s, spec, true);
    case 'q':
      return pad(spec.sharp && !s.includes('`') ? `\`${s}\`` : goQuote(s), spec, true);
    case 'x':
    case 'X': {
      let hex = Buffer.from(s, 'utf8').toString('hex');
      if (verb === 'X') hex = hex.toUpperCase();
      return pad(hex, spec, true);
    }
    default:
      return badVerb(verb, arg);
  }
}

function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\x${h.slice(2)}`);
}
