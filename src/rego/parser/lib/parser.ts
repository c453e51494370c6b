// The recursive-descent Rego parser (modeled on OPA's `ast/parser.go`): tokens → AST, collecting
// diagnostics and resynchronising at the next top-level statement after an error.

import type { Body, Diagnostic, Expr, ExprBody, Import, Location, Module, Ref, Rule, RuleHead, RuleKind, Term, Value, With } from '../../ast/types.js';
import { type Token, tokenize } from '../../lexer/index.js';

/** Nesting deeper than this (terms, bodies) is rejected with a diagnostic instead of overflowing the stack. */
export const MAX_NESTING_DEPTH = 400;

/** Thrown inside the parser only, caught at statement level: the diagnostic is already recorded. */
class ParseAbort {
  readonly abort = true;
}

const ALWAYS_KEYWORDS = new Set(['package', 'import', 'as', 'default', 'else', 'not', 'some', 'with', 'true', 'false', 'null']);
const FUTURE_KEYWORDS = ['in', 'every', 'if', 'contains'];

const RELATION_OPS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
const ARITH_OPS: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR_OPS: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };

export interface ParserOptions {
  regoVersion: 0 | 1;
}

export class Parser {
  private readonly toks: Token[];
  private pos = 0;
  private depth = 0;
  private wildcards = 0;
  /** Identifiers currently treated as keywords (depends on version and `future.keywords` imports). */
  private readonly keywords = new Set(ALWAYS_KEYWORDS);
  /** v1 rule syntax in force: `if` before bodies, `contains` for partial sets. */
  private v1Rules: boolean;
  /** The module being built; rules point back to it. */
  private readonly module: Module;

  constructor(
    private readonly file: string,
    source: string,
    private readonly diagnostics: Diagnostic[],
    opts: ParserOptions,
  ) {
    this.toks = tokenize(file, source, diagnostics);
    this.v1Rules = opts.regoVersion === 1;
    if (opts.regoVersion === 1) for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
    this.module = { file, package: [], imports: [], rules: [], regoVersion: opts.regoVersion };
  }

  // ---------------------------------------------------------------- token helpers

  private get tok(): Token {
    return this.toks[this.pos]!;
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)]!;
  }
  private next(): Token {
    const t = this.tok;
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  private loc(t: Token = this.tok): Location {
    return { file: this.file, line: t.line, col: t.col };
  }
  private isPunct(text: string, t: Token = this.tok): boolean {
    return t.kind === 'punct' && t.text === text;
  }
  private isKeyword(word: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && t.text === word && this.keywords.has(word);
  }
  private describe(t: Token): string {
    if (t.kind === 'eof') return 'EOF';
    if (t.kind === 'string') return 'string';
    if (t.kind === 'rawstring') return 'string';
    if (t.kind === 'number') return 'number';
    if (t.kind === 'ident') return this.keywords.has(t.text) ? t.text : 'ident';
    return t.text;
  }
  private error(message: string, t: Token = this.tok): never {
    this.report(message, this.loc(t));
    throw new ParseAbort();
  }
  private report(message: string, location: Location): void {
    this.diagnostics.push({ code: 'rego_parse_error', message, location });
  }
  private unexpected(expected: string): never {
    return this.error(`unexpected ${this.describe(this.tok)} token: expected ${expected}`);
  }
  private expectPunct(text: string): Token {
    if (!this.isPunct(text)) this.unexpected(text);
    return this.next();
  }
  private enter(): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.error(`nesting too deep (more than ${MAX_NESTING_DEPTH} levels)`);
    }
  }
  private leave(): void {
    this.depth--;
  }

  /** Run `fn` guarding against runaway recursion; a stack overflow becomes a diagnostic. */
  private guarded<T>(fn: () => T): T | undefined {
    const depth = this.depth;
    try {
      return fn();
    } catch (e) {
      this.depth = depth;
      if (e instanceof ParseAbort) return undefined;
      if (e instanceof RangeError) {
        this.report('input too deeply nested', this.loc());
        return undefined;
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- module

  parseModule(): Module | undefined {
    const module = this.module;
    const pkgOk = this.guarded(() => {
      if (!this.isKeyword('package')) {
        if (this.tok.kind === 'eof') this.error('empty module');
        this.unexpected('package');
      }
      module.package = this.parsePackage();
      this.endOfStatement();
      return true;
    });
    if (!pkgOk) return undefined;
    while (this.tok.kind !== 'eof') {
      const start = this.pos;
      const ok = this.guarded(() => {
        if (this.isKeyword('import')) {
          if (module.rules.length > 0) this.error('imports must appear before rules');
          module.imports.push(this.parseImport());
        } else if (this.isKeyword('package')) {
          this.error('unexpected package keyword: a module has one package');
        } else {
          for (const r of this.parseRules()) module.rules.push(r);
        }
        this.endOfStatement();
        return true;
      });
      if (!ok) this.resync(start);
    }
    module.regoVersion = this.v1Rules ? 1 : 0;
    return module;
  }

  /** After an error, skip to the next token that starts a line at column 1 (the next statement). */
  private resync(start: number): void {
    if (this.pos === start) this.next();
    while (this.tok.kind !== 'eof' && !(this.tok.nl && this.tok.col === 1)) this.next();
  }

  private endOfStatement(): void {
    if (this.isPunct(';')) this.next();
    if (this.tok.kind !== 'eof' && !this.tok.nl) this.unexpected('end of statement (newline)');
  }

  private parsePackage(): Ref {
    this.next();
    const start = this.tok;
    const ref = this.parsePathRef();
    if (ref === undefined) return this.error('package name must be a reference', start);
    const head = ref[0]!;
    const data: Term = { value: { type: 'var', name: 'data' }, location: head.location };
    const first: Term = { value: { type: 'string', value: (head.value as { name: string }).name }, location: head.location };
    return [data, first, ...ref.slice(1)];
  }

  /** `a.b["c"]`: a var followed by string keys only (packages and imports). */
  private parsePathRef(): Ref | undefined {
    if (this.tok.kind !== 'ident' || this.keywords.has(this.tok.text)) return undefined;
    const head = this.next();
    const ref: Ref = [{ value: { type: 'var', name: head.text }, location: this.loc(head) }];
    for (;;) {
      if (this.isPunct('.') && !this.tok.ws) {
        this.next();
        if (this.tok.kind !== 'ident' || this.tok.ws) this.unexpected('ident');
        const t = this.next();
        ref.push({ value: { type: 'string', value: t.text }, location: this.loc(t) });
      } else if (this.isPunct('[') && !this.tok.ws) {
        this.next();
        const t = this.tok;
        if (t.kind !== 'string' && t.kind !== 'rawstring') this.unexpected('string');
        this.next();
        ref.push({ value: { type: 'string', value: t.text }, location: this.loc(t) });
        this.expectPunct(']');
      } else {
        return ref;
      }
    }
  }

  private parseImport(): Import {
    const kw = this.next();
    const start = this.tok;
    const path = this.parsePathRef();
    if (path === undefined) return this.error('expected import path', start);
    const root = (path[0]!.value as { name: string }).name;
    if (!['data', 'input', 'future', 'rego'].includes(root)) {
      this.error(`invalid path ${refText(path)}: path must begin with input, data, future or rego`, start);
    }
    const imp: Import = { path, location: this.loc(kw) };
    if (this.isKeyword('as')) {
      this.next();
      if (this.tok.kind !== 'ident' || this.keywords.has(this.tok.text)) this.unexpected('alias name');
      imp.alias = this.next().text;
    }
    const text = refText(path);
    if (root === 'future') {
      if (text === 'future.keywords') {
        for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
      } else if (path.length === 3 && text.startsWith('future.keywords.') && FUTURE_KEYWORDS.includes(text.slice(16))) {
        this.keywords.add(text.slice(16));
        if (text.endsWith('.every')) this.keywords.add('in');
      } else {
        this.error(`unexpected keyword, must be one of [contains every if in]`, start);
      }
    } else if (root === 'rego') {
      if (text !== 'rego.v1') this.error(`invalid import ${text}, must be rego.v1`, start);
      for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
      this.v1Rules = true;
    }
    return imp;
  }

  // ---------------------------------------------------------------- rules

  private parseRules(): Rule[] {
    const startTok = this.tok;
    const isDefault = this.isKeyword('default');
    if (isDefault) this.next();
    const headTok = this.tok;
    if (headTok.kind !== 'ident' || this.keywords.has(headTok.text)) this.unexpected(isDefault ? 'rule name' : 'rule or import');
    const ref = this.parseHeadRef();
    const location = this.loc(startTok);
    const head: RuleHead = { ref, assign: false, location: this.loc(headTok) };
    let isFunction = false;
    if (this.isPunct('(') && !this.tok.ws) {
      this.next();
      head.args = this.parseTermList(')');
      isFunction = true;
    }
    let hasContains = false;
    if (this.isKeyword('contains')) {
      if (isFunction || isDefault) this.unexpected('rule value');
      this.next();
      head.key = this.parseTermIn(false, false);
      hasContains = true;
    } else if (this.isPunct(':=') || this.isPunct('=')) {
      head.assign = this.next().text === ':=';
      head.value = this.parseTermIn(false, false);
    }
    const kind = this.classify(head, isFunction, hasContains, this.isKeyword('if'));
    if (isDefault) {
      if (head.value === undefined) this.error('default rules must have a value (`default p := v`)', headTok);
      if (kind !== 'complete' && kind !== 'function') this.error('default rules must be complete rules or functions', headTok);
      return [{ kind, default: true, head, body: [], location, module: this.module }];
    }

    const rules: Rule[] = [];
    const hasIf = this.isKeyword('if');
    let body: Body;
    let hasBody = false;
    if (hasIf) {
      this.next();
      body = this.parseRuleBody();
      hasBody = true;
    } else if (this.isPunct('{')) {
      if (this.v1Rules) this.report('`if` keyword is required before rule body', location);
      body = this.parseBraceBody();
      hasBody = true;
    } else {
      body = [];
    }
    if (this.v1Rules && kind === 'partial_set' && !hasContains) this.report('`contains` keyword is required for partial set rules', location);
    // v0 takes a bare ref head of several terms (`p.a.b`) as `p.a.b = true`; v1 requires a value or body.
    const bareRefHead = !this.v1Rules && !isFunction && head.ref.length > 1;
    if (!hasBody && head.value === undefined && !hasContains && head.key === undefined && !bareRefHead) {
      this.error(`${isFunction ? 'function' : 'rule'} must have value assignment and/or body declaration`, headTok);
    }
    const rule: Rule = { kind, default: false, head, body, location, module: this.module };
    rules.push(rule);

    // `else` chain
    let tail = rule;
    while (this.isKeyword('else')) {
      if (kind !== 'complete' && kind !== 'function') this.error('else keyword cannot be used on multi-value rules', this.tok);
      const elseTok = this.next();
      const elseHead: RuleHead = { ref: head.ref, assign: false, location: this.loc(elseTok) };
      if (head.args !== undefined) elseHead.args = head.args;
      if (this.isPunct(':=') || this.isPunct('=')) {
        elseHead.assign = this.next().text === ':=';
        elseHead.value = this.parseTermIn(false, false);
      }
      let elseBody: Body = [];
      if (this.isKeyword('if')) {
        this.next();
        elseBody = this.parseRuleBody();
      } else if (this.isPunct('{')) {
        if (this.v1Rules) this.report('`if` keyword is required before else body', this.loc(elseTok));
        elseBody = this.parseBraceBody();
      }
      const elseRule: Rule = { kind, default: false, head: elseHead, body: elseBody, location: this.loc(elseTok), module: this.module };
      tail.else = elseRule;
      tail = elseRule;
    }

    // further bodies for the same head: `p { a } { b }`
    while (hasBody && this.isPunct('{')) {
      const extra = this.parseBraceBody();
      rules.push({ kind, default: false, head, body: extra, location, module: this.module });
    }
    return rules;
  }

  /** The head reference: `p`, `a.b`, `p[x]`, `a.b[x].c`. */
  private parseHeadRef(): Ref {
    const t = this.next();
    const ref: Ref = [{ value: { type: 'var', name: t.text }, location: this.loc(t) }];
    for (;;) {
      if (this.isPunct('.') && !this.tok.ws) {
        this.next();
        if (this.tok.kind !== 'ident' || this.tok.ws) this.unexpected('ident');
        const k = this.next();
        ref.push({ value: { type: 'string', value: k.text }, location: this.loc(k) });
      } else if (this.isPunct('[') && !this.tok.ws) {
        this.next();
        ref.push(this.parseTermIn(false, false));
        this.expectPunct(']');
      } else {
        return ref;
      }
    }
  }

  private classify(head: RuleHead, isFunction: boolean, hasContains: boolean, hasIf: boolean): RuleKind {
    const ref = head.ref;
    if (isFunction) {
      if (ref.slice(1).some((t) => t.value.type !== 'string')) this.error('function rule heads must be plain references', this.tok);
      return 'function';
    }
    if (hasContains) {
      if (ref.slice(1).some((t) => t.value.type !== 'string')) {
        // `a[x] contains y` — variables before the set are allowed by OPA (multi-value ref head with vars)
        return 'partial_set';
      }
      return 'partial_set';
    }
    const last = ref[ref.length - 1]!;
    const lastIsKey = ref.length > 1 && last.value.type !== 'string';
    if (head.value === undefined && ref.length === 2 && (lastIsKey || !this.v1Rules) && !hasIf) {
      // v0 `p[x] { ... }`: a partial set, the element not part of the ref; so is v0 `p.a` (`p["a"]`), a set
      // holding "a". With `if` (v1, or v0 importing future.keywords.if) `p[x] if …` is a single-value
      // rule mapping x to true instead.
      head.key = last;
      head.ref = ref.slice(0, 1);
      return 'partial_set';
    }
    if (ref.slice(1).some((t) => t.value.type !== 'string')) {
      head.key = last;
      return 'partial_object';
    }
    return 'complete';
  }

  /** After `if`: a braced body, or a single literal (which may itself start with `{`, a comprehension). */
  private parseRuleBody(): Body {
    if (!this.isPunct('{')) return [this.parseLiteral()];
    const save = this.pos;
    const saveDiag = this.diagnostics.length;
    const body = this.tryParse(() => this.parseBraceBody());
    if (body !== undefined) return body;
    // not a body: maybe a literal that starts with `{` (`if {x | …}[_]`, an object comprehension)
    const afterBody = this.pos;
    const bodyDiags = this.diagnostics.splice(saveDiag);
    this.pos = save;
    const lit = this.tryParse(() => this.parseLiteral());
    const emptyObject = lit?.body.type === 'term' && lit.body.term.value.type === 'object' && lit.body.term.value.pairs.length === 0;
    if (lit !== undefined && !emptyObject && (this.tok.nl || this.tok.kind === 'eof' || this.isKeyword('else') || this.isPunct(';'))) return [lit];
    this.diagnostics.splice(saveDiag, this.diagnostics.length - saveDiag, ...bodyDiags);
    this.pos = afterBody;
    throw new ParseAbort();
  }

  private parseBraceBody(): Body {
    const open = this.expectPunct('{');
    this.enter();
    const body = this.parseBodyUntil('}', open);
    this.expectPunct('}');
    this.leave();
    return body;
  }

  /** Literals separated by `;` or newlines, until the token `end` (not consumed). */
  private parseBodyUntil(end: string | 'eof', open: Token): Body {
    const atEnd = (): boolean => (end === 'eof' ? this.tok.kind === 'eof' : this.isPunct(end));
    if (atEnd()) this.error('found empty body', open);
    const body: Body = [];
    for (;;) {
      body.push(this.parseLiteral());
      if (this.isPunct(';')) {
        this.next();
        if (atEnd()) return body;
        continue;
      }
      if (atEnd()) return body;
      if (!this.tok.nl) this.unexpected(`\\n or ; or ${end === 'eof' ? 'EOF' : end}`);
    }
  }

  // ---------------------------------------------------------------- literals

  parseLiteral(): Expr {
    const start = this.tok;
    const location = this.loc(start);
    if (this.isKeyword('some')) return this.withModifiers(this.parseSome(), location, false);
    if (this.isKeyword('every')) return this.withModifiers(this.parseEvery(), location, false);
    let negated = false;
    if (this.isKeyword('not')) {
      this.next();
      negated = true;
    }
    const body = this.parseExprBody();
    return this.withModifiers(body, location, negated);
  }

  private withModifiers(body: ExprBody, location: Location, negated: boolean): Expr {
    const withs: With[] = [];
    while (this.isKeyword('with')) {
      const w = this.next();
      const target = this.parseTermIn(false, false);
      if (target.value.type !== 'ref' && target.value.type !== 'var') this.error('with target must be a reference', w);
      if (!this.isKeyword('as')) this.unexpected('as');
      this.next();
      const value = this.parseTermIn(false, false);
      withs.push({ target: target.value.type === 'var' ? { value: { type: 'ref', terms: [target] }, location: target.location } : target, value, location: this.loc(w) });
    }
    return { body, negated, with: withs, location };
  }

  private parseExprBody(): ExprBody {
    const lhs = this.parseTermIn(true, false);
    if (this.isPunct(':=') || this.isPunct('=')) {
      const opTok = this.next();
      const rhs = this.parseTermIn(false, false);
      const name = opTok.text === ':=' ? 'assign' : 'eq';
      return { type: 'call', operator: [this.varTerm(name, opTok)], args: [lhs, rhs] };
    }
    if (lhs.value.type === 'call') return { type: 'call', operator: lhs.value.operator, args: lhs.value.args };
    return { type: 'term', term: lhs };
  }

  private parseSome(): ExprBody {
    const kw = this.next();
    const first = this.parseTermIn(true, false);
    if (first.value.type === 'call') {
      const op = refText(first.value.operator);
      const args = first.value.args;
      if (op === 'internal.member_2') return { type: 'somein', value: args[0]!, collection: args[1]! };
      if (op === 'internal.member_3') return { type: 'somein', key: args[0]!, value: args[1]!, collection: args[2]! };
      this.error('expected `x in xs` or variables after some', kw);
    }
    const vars: Term[] = [first];
    while (this.isPunct(',')) {
      this.next();
      vars.push(this.parseTermIn(false, false));
    }
    for (const v of vars) if (v.value.type !== 'var') this.error('expected var in some declaration', kw);
    return { type: 'some', vars };
  }

  private parseEvery(): ExprBody {
    const kw = this.next();
    const decl = this.parseTermIn(true, false);
    if (decl.value.type !== 'call') this.error('expected `x in xs` after every', kw);
    const call = decl.value as { type: 'call'; operator: Ref; args: Term[] };
    const op = refText(call.operator);
    let out: { key?: Term; value: Term; domain: Term };
    if (op === 'internal.member_2') out = { value: call.args[0]!, domain: call.args[1]! };
    else if (op === 'internal.member_3') out = { key: call.args[0]!, value: call.args[1]!, domain: call.args[2]! };
    else return this.error('expected `x in xs` after every', kw);
    for (const t of [out.key, out.value]) if (t !== undefined && t.value.type !== 'var') this.error('every: expected variable before `in`', kw);
    if (!this.isPunct('{')) this.unexpected('{');
    const body = this.parseBraceBody();
    return { type: 'every', ...out, body };
  }

  // ---------------------------------------------------------------- terms by precedence

  /** `in` level (lowest among terms). `keyVal` allows `k, v in xs`. `noOr` stops at a top-level `|`. */
  parseTermIn(keyVal: boolean, noOr: boolean): Term {
    this.enter();
    let lhs = this.parseRelation(noOr);
    if (keyVal && this.isPunct(',')) {
      const save = this.pos;
      const saveDiag = this.diagnostics.length;
      this.next();
      const mhs = this.tryParse(() => this.parseRelation(noOr));
      if (mhs !== undefined && this.isKeyword('in')) {
        const opTok = this.next();
        const rhs = this.parseRelation(noOr);
        lhs = this.call(['internal', 'member_3'], opTok, [lhs, mhs, rhs], lhs.location);
      } else {
        this.pos = save;
        this.diagnostics.length = saveDiag;
      }
    }
    while (this.isKeyword('in')) {
      const opTok = this.next();
      const rhs = this.parseRelation(noOr);
      lhs = this.call(['internal', 'member_2'], opTok, [lhs, rhs], lhs.location);
    }
    this.leave();
    return lhs;
  }

  private tryParse<T>(fn: () => T): T | undefined {
    const depth = this.depth;
    try {
      return fn();
    } catch (e) {
      this.depth = depth;
      if (e instanceof ParseAbort) return undefined;
      throw e;
    }
  }

  private parseRelation(noOr: boolean): Term {
    let lhs = this.parseOr(noOr);
    while (this.tok.kind === 'punct' && this.tok.text in RELATION_OPS) {
      const opTok = this.next();
      const rhs = this.parseOr(noOr);
      lhs = this.call([RELATION_OPS[opTok.text]!], opTok, [lhs, rhs], lhs.location);
    }
    return lhs;
  }

  private parseOr(noOr: boolean): Term {
    let lhs = this.parseAnd();
    while (!noOr && this.isPunct('|')) {
      const opTok = this.next();
      const rhs = this.parseAnd();
      lhs = this.call(['or'], opTok, [lhs, rhs], lhs.location);
    }
    return lhs;
  }

  private parseAnd(): Term {
    let lhs = this.parseArith();
    while (this.isPunct('&')) {
      const opTok = this.next();
      const rhs = this.parseArith();
      lhs = this.call(['and'], opTok, [lhs, rhs], lhs.location);
    }
    return lhs;
  }

  private parseArith(): Term {
    let lhs = this.parseFactor();
    while (this.tok.kind === 'punct' && this.tok.text in ARITH_OPS) {
      const opTok = this.next();
      const rhs = this.parseFactor();
      lhs = this.call([ARITH_OPS[opTok.text]!], opTok, [lhs, rhs], lhs.location);
    }
    return lhs;
  }

  private parseFactor(): Term {
    let lhs = this.parseTerm();
    while (this.tok.kind === 'punct' && this.tok.text in FACTOR_OPS) {
      const opTok = this.next();
      const rhs = this.parseTerm();
      lhs = this.call([FACTOR_OPS[opTok.text]!], opTok, [lhs, rhs], lhs.location);
    }
    return lhs;
  }

  private call(path: string[], opTok: Token, args: Term[], location: Location): Term {
    const opLoc = this.loc(opTok);
    const operator: Ref = [{ value: { type: 'var', name: path[0]! }, location: opLoc }];
    for (const p of path.slice(1)) operator.push({ value: { type: 'string', value: p }, location: opLoc });
    return { value: { type: 'call', operator, args }, location };
  }

  private varTerm(name: string, t: Token): Term {
    return { value: { type: 'var', name }, location: this.loc(t) };
  }

  // ---------------------------------------------------------------- primary terms

  /** A primary term followed by its ref/call suffixes (`.x`, `[e]`, `(args)` with no whitespace before). */
  parseTerm(): Term {
    this.enter();
    const t = this.tok;
    const location = this.loc(t);
    let term: Term;
    switch (t.kind) {
      case 'number':
        this.next();
        term = { value: { type: 'number', raw: t.text }, location };
        break;
      case 'string':
      case 'rawstring':
        this.next();
        term = { value: { type: 'string', value: t.text }, location };
        break;
      case 'ident':
        term = this.parseIdentTerm(t, location);
        break;
      case 'punct':
        term = this.parsePunctTerm(t, location);
        break;
      default:
        this.unexpected('term');
    }
    const result = this.parseSuffixes(term);
    this.leave();
    return result;
  }

  private parseIdentTerm(t: Token, location: Location): Term {
    if (t.text === 'true' || t.text === 'false') {
      this.next();
      return { value: { type: 'boolean', value: t.text === 'true' }, location };
    }
    if (t.text === 'null') {
      this.next();
      return { value: { type: 'null' }, location };
    }
    const callsBuiltin = this.isPunct('(', this.peek()) && !this.peek().ws;
    if (this.keywords.has(t.text) && !(callsBuiltin && FUTURE_KEYWORDS.includes(t.text))) this.unexpected('term');
    this.next();
    if (t.text === 'set' && this.isPunct('(') && !this.tok.ws && this.isPunct(')', this.peek())) {
      this.next();
      this.next();
      return { value: { type: 'set', items: [] }, location };
    }
    if (t.text === '_') return { value: { type: 'var', name: `$_${this.wildcards++}` }, location };
    return { value: { type: 'var', name: t.text }, location };
  }

  private parsePunctTerm(t: Token, location: Location): Term {
    switch (t.text) {
      case '-': {
        this.next();
        const n = this.tok;
        if (n.kind === 'number' && !n.ws) {
          this.next();
          return { value: { type: 'number', raw: n.text.startsWith('-') ? n.text.slice(1) : `-${n.text}` }, location };
        }
        const operand = this.parseTerm();
        return this.call(['minus'], t, [{ value: { type: 'number', raw: '0' }, location }, operand], location);
      }
      case '(': {
        this.next();
        const inner = this.parseTermIn(true, false);
        this.expectPunct(')');
        return inner;
      }
      case '[':
        return this.parseArray(location);
      case '{':
        return this.parseBraced(location);
      default:
        return this.unexpected('term');
    }
  }

  private parseArray(location: Location): Term {
    this.next();
    if (this.isPunct(']')) {
      this.next();
      return { value: { type: 'array', items: [] }, location };
    }
    const first = this.parseTermIn(false, true);
    if (this.isPunct('|')) {
      const bar = this.next();
      const body = this.parseComprehensionBody(']', bar);
      return { value: { type: 'arraycomprehension', term: first, body }, location };
    }
    const items = this.parseRestOfList(first, ']');
    return { value: { type: 'array', items }, location };
  }

  /** `{}` object, `{k: v, …}`, `{a, b}` set, and the three comprehension forms. */
  private parseBraced(location: Location): Term {
    this.next();
    if (this.isPunct('}')) {
      this.next();
      return { value: { type: 'object', pairs: [] }, location };
    }
    const first = this.parseTermIn(false, true);
    if (this.isPunct(':')) {
      this.next();
      const firstValue = this.parseTermIn(false, true);
      if (this.isPunct('|')) {
        const bar = this.next();
        const body = this.parseComprehensionBody('}', bar);
        return { value: { type: 'objectcomprehension', key: first, value: firstValue, body }, location };
      }
      const pairs: [Term, Term][] = [[first, firstValue]];
      while (this.isPunct(',')) {
        this.next();
        if (this.isPunct('}')) break;
        const k = this.parseTermIn(false, false);
        this.expectPunct(':');
        pairs.push([k, this.parseTermIn(false, false)]);
      }
      this.expectPunct('}');
      return { value: { type: 'object', pairs }, location };
    }
    if (this.isPunct('|')) {
      const bar = this.next();
      const body = this.parseComprehensionBody('}', bar);
      return { value: { type: 'setcomprehension', term: first, body }, location };
    }
    const items = this.parseRestOfList(first, '}');
    return { value: { type: 'set', items }, location };
  }

  private parseComprehensionBody(end: string, bar: Token): Body {
    const body = this.parseBodyUntil(end, bar);
    this.expectPunct(end);
    return body;
  }

  private parseRestOfList(first: Term, end: string): Term[] {
    const items = [first];
    while (this.isPunct(',')) {
      this.next();
      if (this.isPunct(end)) break;
      items.push(this.parseTermIn(false, false));
    }
    this.expectPunct(end);
    return items;
  }

  /** Comma-separated terms up to `end` (consumed); a trailing comma is allowed. */
  private parseTermList(end: string): Term[] {
    const items: Term[] = [];
    while (!this.isPunct(end)) {
      items.push(this.parseTermIn(false, false));
      if (this.isPunct(',')) this.next();
      else if (!this.isPunct(end)) this.unexpected(`, or ${end}`);
    }
    this.next();
    return items;
  }

  private parseSuffixes(head: Term): Term {
    let term = head;
    for (;;) {
      const t = this.tok;
      if (t.ws || t.kind !== 'punct') return rootAsRef(term);
      if (t.text === '.') {
        this.next();
        if (this.tok.kind !== 'ident' || this.tok.ws) this.unexpected('ident');
        const k = this.next();
        term = this.extendRef(term, { value: { type: 'string', value: k.text }, location: this.loc(k) });
      } else if (t.text === '[') {
        this.next();
        const key = this.parseTermIn(false, false);
        this.expectPunct(']');
        term = this.extendRef(term, key);
      } else if (t.text === '(') {
        const operator = this.operatorOf(term);
        this.next();
        const args = this.parseTermList(')');
        term = { value: { type: 'call', operator, args }, location: term.location };
      } else {
        return rootAsRef(term);
      }
    }
  }

  private operatorOf(term: Term): Ref {
    if (term.value.type === 'var') return [term];
    if (term.value.type === 'ref' && term.value.terms[0]!.value.type === 'var' && term.value.terms.slice(1).every((x) => x.value.type === 'string')) {
      return term.value.terms;
    }
    return this.error('call operator must be a function name', this.tok);
  }

  private extendRef(term: Term, key: Term): Term {
    if (term.value.type === 'ref') return { value: { type: 'ref', terms: [...term.value.terms, key] }, location: term.location };
    return { value: { type: 'ref', terms: [term, key] }, location: term.location };
  }

  // ---------------------------------------------------------------- queries and single terms

  parseQuery(): Body | undefined {
    return this.guarded(() => {
      if (this.tok.kind === 'eof') this.error('empty query');
      const body = this.parseBodyUntil('eof', this.tok);
      return body;
    });
  }

  parseSingleTerm(): Term | undefined {
    return this.guarded(() => {
      const term = this.parseTermIn(false, false);
      if (this.tok.kind !== 'eof') this.unexpected('EOF');
      return term;
    });
  }
}

/** Bare `data` and `input` are refs of one term, as in OPA. */
function rootAsRef(term: Term): Term {
  if (term.value.type === 'var' && (term.value.name === 'data' || term.value.name === 'input')) {
    return { value: { type: 'ref', terms: [term] }, location: term.location };
  }
  return term;
}

/** `a.b.c` for a ref of a var and strings (non-string keys print as `[...]`). */
export function refText(ref: Ref): string {
  let out = '';
  for (let i = 0; i < ref.length; i++) {
    const v: Value = ref[i]!.value;
    if (i === 0) out += v.type === 'var' ? v.name : '(term)';
    else if (v.type === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v.value)) out += `.${v.value}`;
    else if (v.type === 'string') out += `[${JSON.stringify(v.value)}]`;
    else if (v.type === 'var') out += `[${v.name}]`;
    else out += '[...]';
  }
  return out;
}
