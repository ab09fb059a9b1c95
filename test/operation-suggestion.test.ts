/**
 * The "did you mean" of a call to an operation that does not exist is worded on the host (TypeScript, for
 * QuickJS) or in the Worker Loader's runner (JavaScript source): both must say the same.
 */
import { describe, expect, it } from 'vitest';
import { SUGGEST_SOURCE } from '../src/sandbox/guest-prelude.ts';
import { unknownOperationMessage } from '../src/sandbox/operation-suggestion.ts';

const suggest = new Function(`return ${SUGGEST_SOURCE}`)() as (
  api: string,
  names: string[],
  words: string[],
) => string;

const names = [
  'issuesCreate',
  'issuesGet',
  'issuesListForRepo',
  'reposGet',
  'reposListForOrg',
  'pullsMerge',
  'usersGetAuthenticated',
];
const cases: [string, string[]][] = [
  ['github', ['issuesCreat']],
  ['github', ['issues', 'create']],
  ['github', ['rest', 'repos', 'get']],
  ['github', ['pulls', 'merge']],
  ['github', ['zzz']],
  ['github', ['getAuthenticatedUser']],
  ['github', ['repo', 'list', 'for', 'orgs']],
  ['demo', ['tasks', 'create']],
];

describe('unknown operation messages', () => {
  it('are the same from the host and from the Worker Loader runner', () => {
    for (const [api, words] of cases) {
      const host = unknownOperationMessage(api, api === 'demo' ? ['createTask', 'listTasks'] : names, words);
      expect(host).toBe(suggest(api, api === 'demo' ? ['createTask', 'listTasks'] : names, words));
    }
    expect(unknownOperationMessage('github', names, ['issues', 'create'])).toContain(
      'did you mean github.issuesCreate?',
    );
  });
});
