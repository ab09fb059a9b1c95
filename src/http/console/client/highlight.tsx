/**
 * TypeScript highlighting for snippets and declarations. Hand-written rather than a highlighter library:
 * none is in the tree, and the console needs only a tokenizer of this one language (a few hundred bytes
 * against tens of kilobytes), run on text the console shows as text, never as HTML.
 */

export type TokenKind =
  | 'comment'
  | 'string'
  | 'number'
  | 'keyword'
  | 'type'
  | 'function'
  | 'property'
  | 'punct'
  | 'plain';

export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set(
  (
    'await async break case catch class const continue debugger default delete do else export extends ' +
    'false finally for function if import in instanceof let new null of return super switch this throw ' +
    'true try typeof undefined var void while yield as interface type declare namespace readonly keyof ' +
    'enum implements private public protected static'
  ).split(' '),
);
const TYPES = new Set(
  'string number boolean unknown any never object bigint symbol Promise Record Array'.split(' '),
);

// One alternative per token kind, tried in this order at each position.
const PATTERN =
  /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:\\[\s\S]|[^'\\\n])*'?|"(?:\\[\s\S]|[^"\\\n])*"?|`(?:\\[\s\S]|[^`\\])*`?)|(\b(?:0[xXbBoO][\da-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?n?)\b)|([A-Za-z_$][\w$]*)|([^\sA-Za-z_$\d'"`/]+|\/)/g;

export function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  let previous = '';
  PATTERN.lastIndex = 0;
  for (let match = PATTERN.exec(code); match; match = PATTERN.exec(code)) {
    if (match.index > last) tokens.push({ kind: 'plain', text: code.slice(last, match.index) });
    const [text, comment, string, number, word] = match;
    let kind: TokenKind = 'punct';
    if (comment) kind = 'comment';
    else if (string) kind = 'string';
    else if (number) kind = 'number';
    else if (word) {
      const next = code.slice(PATTERN.lastIndex).match(/^\s*(\()?/);
      if (KEYWORDS.has(word)) kind = 'keyword';
      else if (TYPES.has(word) || /^[A-Z]/.test(word)) kind = 'type';
      else if (next?.[1]) kind = 'function';
      else if (previous === '.') kind = 'property';
      else kind = 'plain';
    }
    tokens.push({ kind, text });
    if (!/^\s+$/.test(text)) previous = kind === 'punct' ? text.slice(-1) : text;
    last = PATTERN.lastIndex;
  }
  if (last < code.length) tokens.push({ kind: 'plain', text: code.slice(last) });
  return tokens;
}

/** Tokens split at line breaks: a token spanning lines (a block comment, a template) is cut into one per line. */
export function tokenLines(code: string): Token[][] {
  const lines: Token[][] = [[]];
  for (const token of tokenize(code)) {
    const parts = token.text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1].push({ kind: token.kind, text: part });
    });
  }
  return lines;
}

export function Tokens({ tokens }: { tokens: Token[] }) {
  return (
    <>
      {tokens.map((token) =>
        token.kind === 'plain' ? token.text : <span class={`tok-${token.kind}`}>{token.text}</span>,
      )}
    </>
  );
}

/** A read-only block of highlighted code. */
export function Code({ code, label }: { code: string; label?: string }) {
  return (
    <pre class="code" data-label={label}>
      <code>
        <Tokens tokens={tokenize(code)} />
      </code>
    </pre>
  );
}
