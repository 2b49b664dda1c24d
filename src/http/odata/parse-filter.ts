/**
 * Parser for the subset of OData `$filter` that Microsoft Graph clients send to PIM endpoints:
 * comparisons, `in` lists, `and`/`or`/`not` and parentheses. Everything else (functions, lambdas,
 * arithmetic) is refused with Request_UnsupportedQuery rather than guessed at, because a filter
 * that is silently misread returns the wrong rows.
 */
import type { Comparison, FilterExpr, FilterValue } from '../../app/query.ts';
import { DomainError } from '../../domain/errors.ts';

/** Longest `$filter` accepted, in characters (well above any real Graph client's filters). */
export const MAX_FILTER_LENGTH = 2000;
/** Deepest nesting of parentheses and `not` accepted; keeps recursion bounded. */
export const MAX_FILTER_DEPTH = 32;

type TokenKind = 'word' | 'string' | '(' | ')' | ',' | 'end';
interface Token {
  readonly kind: TokenKind;
  /** Source text (for strings: the unescaped value). */
  readonly text: string;
  /** 0-based offset in the filter text, as in OData library messages. */
  readonly pos: number;
}

const COMPARISONS: ReadonlySet<string> = new Set<Comparison>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const ARITHMETIC = new Set(['add', 'sub', 'mul', 'div', 'divby', 'mod']);
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'has', 'true', 'false', 'null', ...COMPARISONS, ...ARITHMETIC]);

// A word is any run of these; classification happens afterwards so errors can quote the whole token.
const WORD_CHAR = /[A-Za-z0-9_\-.:+/]/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

function fail(message: string, pos: number): never {
  throw new DomainError('Request_UnsupportedQuery', `Invalid $filter: ${message} at position ${pos}.`, {
    position: pos,
  });
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'end of filter';
  if (token.kind === 'string') return `string '${token.text}'`;
  return `'${token.text}'`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, pos: i++ });
    } else if (ch === "'") {
      const start = i++;
      let value = '';
      for (;;) {
        if (i >= text.length) fail('unterminated string literal', start);
        const c = text[i++]!;
        if (c !== "'") {
          value += c;
        } else if (text[i] === "'") {
          value += "'"; // '' is an escaped quote
          i++;
        } else {
          break;
        }
      }
      tokens.push({ kind: 'string', text: value, pos: start });
    } else if (WORD_CHAR.test(ch)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start });
    } else {
      fail(`unexpected character '${ch}'`, i);
    }
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

/** Parses an OData `$filter` expression; throws Request_UnsupportedQuery on anything it does not support. */
export function parseFilter(text: string): FilterExpr {
  if (text.length > MAX_FILTER_LENGTH) {
    fail(`the filter is longer than ${MAX_FILTER_LENGTH} characters`, MAX_FILTER_LENGTH);
  }
  return new Parser(tokenize(text)).parse();
}

class Parser {
  readonly #tokens: readonly Token[];
  #index = 0;
  #depth = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  parse(): FilterExpr {
    if (this.#peek().kind === 'end') fail('the filter is empty', 0);
    const expr = this.#or();
    const rest = this.#peek();
    if (rest.kind !== 'end') this.#unexpected(rest, "'and', 'or' or end of filter");
    return expr;
  }

  #peek(offset = 0): Token {
    // The token list always ends with 'end', so clamp to it.
    return this.#tokens[Math.min(this.#index + offset, this.#tokens.length - 1)]!;
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== 'end') this.#index++;
    return token;
  }

  #isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  #unexpected(token: Token, expected: string): never {
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (ARITHMETIC.has(lower)) fail(`arithmetic operator '${token.text}' is not supported`, token.pos);
      if (this.#tokens[this.#tokens.indexOf(token) + 1]?.kind === '(') {
        fail(`function '${token.text}' is not supported`, token.pos);
      }
    }
    fail(`expected ${expected} but found ${describe(token)}`, token.pos);
  }

  #enter(token: Token): void {
    if (++this.#depth > MAX_FILTER_DEPTH) fail(`nesting deeper than ${MAX_FILTER_DEPTH}`, token.pos);
  }

  // or := and ('or' and)*  — left-associative; 'and' binds tighter.
  #or(): FilterExpr {
    let left = this.#and();
    while (this.#isKeyword(this.#peek(), 'or')) {
      this.#next();
      left = { op: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): FilterExpr {
    let left = this.#unary();
    while (this.#isKeyword(this.#peek(), 'and')) {
      this.#next();
      left = { op: 'and', left, right: this.#unary() };
    }
    return left;
  }

  // unary := 'not' unary | '(' or ')' | comparison
  #unary(): FilterExpr {
    const token = this.#peek();
    if (this.#isKeyword(token, 'not')) {
      this.#next();
      this.#enter(token);
      const expr = this.#unary();
      this.#depth--;
      return { op: 'not', expr };
    }
    if (token.kind === '(') {
      this.#next();
      this.#enter(token);
      const expr = this.#or();
      const close = this.#next();
      if (close.kind !== ')') this.#unexpected(close, "')'");
      this.#depth--;
      return expr;
    }
    return this.#comparison();
  }

  #comparison(): FilterExpr {
    const fieldToken = this.#next();
    if (fieldToken.kind !== 'word' || KEYWORDS.has(fieldToken.text.toLowerCase()) || !FIELD.test(fieldToken.text) || this.#peek().kind === '(') {
      this.#unexpected(fieldToken, 'a property name');
    }
    const field = fieldToken.text;
    const opToken = this.#next();
    const op = opToken.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (op === 'in') return { op: 'in', field, values: this.#list() };
    if (COMPARISONS.has(op)) return { op: op as Comparison, field, value: this.#literal() };
    if (op === 'has') fail("the 'has' operator is not supported", opToken.pos);
    return this.#unexpected(opToken, `a comparison operator after '${field}'`);
  }

  // list := '(' literal (',' literal)* ')'
  #list(): FilterValue[] {
    const open = this.#next();
    if (open.kind !== '(') this.#unexpected(open, "'(' after 'in'");
    const values = [this.#literal()];
    for (;;) {
      const token = this.#next();
      if (token.kind === ')') return values;
      if (token.kind !== ',') this.#unexpected(token, "',' or ')'");
      values.push(this.#literal());
    }
  }

  #literal(): FilterValue {
    const token = this.#next();
    if (token.kind === 'string') return token.text;
    if (token.kind !== 'word' || this.#peek().kind === '(') this.#unexpected(token, 'a literal value');
    const lower = token.text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    // Graph accepts bare GUIDs and DateTimeOffsets; both travel on as the string they were written as.
    if (GUID.test(token.text) || DATE_TIME.test(token.text)) return token.text;
    if (NUMBER.test(token.text)) {
      const value = Number(token.text);
      if (!Number.isFinite(value)) fail(`number '${token.text}' is out of range`, token.pos);
      return value;
    }
    return this.#unexpected(token, 'a literal value (comparing two properties is not supported)');
  }
}
