/** How snippets are compiled: strict about API types, lenient where plain JavaScript habits are harmless. */
import ts from '#typescript';

export const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  // No `lib`: the default lib file the host names is the sandbox's libs merged into one file
  // (lib-files.ts: SANDBOX_LIB_FILE).
  // Plain JavaScript snippets are checked as JavaScript: its inference accepts what models write.
  allowJs: true,
  checkJs: true,
  libReplacement: false,
  types: [],
  noResolve: true,
  noEmit: true,
  skipLibCheck: true,
  skipDefaultLibCheck: true,
  strict: true,
  // API responses declare many fields nullable (`user: SimpleUser | null`) that are present in practice;
  // refusing \`issue.user.login\` or \`let best = null\` assigned later would refuse working code. Off, `[]`
  // and `null` also get evolving types (\`any[]\`) instead of \`never[]\` and \`null\`.
  strictNullChecks: false,
  // An untyped helper `function pick(list, key)` runs fine; refusing it would only cost the agent a turn.
  noImplicitAny: false,
  // Errors from API calls carry `status` and `body`; `catch (e) { e.status }` is the documented pattern.
  useUnknownInCatchVariables: false,
  allowUnreachableCode: true,
  allowUnusedLabels: true,
};
