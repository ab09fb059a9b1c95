/**
 * The message for a call to an operation an API does not have (a typo, Octokit's github.issues.create),
 * naming the one meant: computed on the host, so its code is not compiled into every run's context.
 */

const camel = (words: string[]) =>
  words.map((w, i) => (i ? (w[0] ?? '').toUpperCase() + w.slice(1) : w)).join('');

/** Same words in any order, plural or not: tasks.create -> createTask, rest.repos.get -> reposGet. */
const key = (words: string[]) =>
  words
    .flatMap((w) => w.split(/(?=[A-Z])/))
    .map((w) => w.toLowerCase().replace(/s$/, ''))
    .sort()
    .join(' ');

function distance(a: string, b: string): number {
  const row = [...Array(b.length + 1).keys()];
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(up + 1, row[j - 1] + 1, diagonal + (a[i - 1] !== b[j - 1] ? 1 : 0));
      diagonal = up;
    }
  }
  return row[b.length];
}

/** `api.words...` is not an operation of `api`: the error message, with up to three operations meant. */
export function unknownOperationMessage(api: string, names: readonly string[], words: string[]): string {
  const exact = names.filter((n) => [words, words.slice(1)].some((ws) => ws.length && key([n]) === key(ws)));
  let best = exact.slice(0, 1);
  let min = Math.max(2, camel(words).length / 3) + 1;
  if (!best.length) {
    const wanted = camel(words).toLowerCase();
    for (const name of names) {
      const d = distance(wanted, name.toLowerCase());
      if (d < min) {
        min = d;
        best = [name];
      } else if (d === min) best.push(name);
    }
  }
  return (
    `${api}.${words.join('.')} is not an operation of ${api}` +
    (best.length
      ? `; did you mean ${best
          .slice(0, 3)
          .map((n) => `${api}.${n}`)
          .join(' or ')}?`
      : '') +
    ` (operations are methods of ${api} named as search shows them, each taking one argument object)`
  );
}
