/**
 * What the red-team suite cannot check on a local workerd, and why: declared per case, printed with the
 * run, never a weaker expectation in `cases.ts`. A declared name that matches no case fails the suite.
 */
import type { Expectation } from './cases.ts';

export interface Declared {
  /** Cases not run here: they cannot hold on this target, for the reason given. */
  skip: Record<string, string>;
  /** Cases whose safe answer differs on this target: the reason, and what is checked instead. */
  differs: Record<string, { reason: string; expect: Expectation }>;
}

/**
 * Open-source workerd enforces no CPU or memory limit (cloudflare/workerd#49) and runs a Worker's
 * requests and its Dynamic Workers on one thread (measured: /healthz waits for a spinning run). On
 * Cloudflare the platform's CPU limit (`limits.cpuMs` for a Dynamic Worker, the Worker's own for
 * QuickJS) and its 128 MB per isolate end what duet cannot interrupt.
 */
const NO_CPU_LIMIT =
  'local workerd enforces no CPU limit and runs Dynamic Workers on its one thread: a loop in the V8 isolate ' +
  'holds the whole server, so only the platform limit (limits.cpuMs on Cloudflare) can end it';
const NO_HEAP_LIMIT =
  'local workerd sets no heap limit on a V8 isolate (on Cloudflare: 128 MB, then the isolate is ended): ' +
  'the hog would grow until the workerd process dies';
const NO_POOL =
  'workerd has no sandbox pool or queue to fill: each run has its own isolate (loader) or runs in the ' +
  "request's isolate (QuickJS); shedding load is the platform's";
const ONE_THREAD =
  'local workerd serves every request on one thread, which a spinning run holds until it ends (QuickJS: at ' +
  'its deadline; loader: never, see the CPU limit), so nothing can answer beside eight loops';
const NO_POLL =
  'QuickJS never polls its interrupt handler inside this built-in and workerd has no thread to kill, so the ' +
  "run holds the server until the built-in returns (here: hours); on Cloudflare the Worker's CPU limit ends it";

const EVAL_REFUSED: { reason: string; expect: Expectation } = {
  reason:
    'V8 on Workers refuses to compile code from strings: the constructor reached through a binding is the ' +
    "isolate's own Function, and it throws instead of running anything",
  expect: {
    kind: 'runtime',
    message: /^EvalError: Code generation from strings disallowed for this context/,
  },
};

/** QuickJS in the Worker's own isolate (`--sandbox quickjs`, the local default). */
export const workerdQuickJS: Declared = {
  skip: {
    'exhaustion: a built-in the interrupt handler never reaches': NO_POLL,
    'load: a normal run and /healthz answer while eight infinite loops run': ONE_THREAD,
    'load: a full pool and queue answer 503 with Retry-After, then recover': NO_POOL,
  },
  differs: {},
};

/** A Dynamic Worker per run (`--sandbox loader`). */
export const workerdLoader: Declared = {
  skip: {
    'exhaustion: infinite loop': NO_CPU_LIMIT,
    'exhaustion: infinite loop that catches everything': NO_CPU_LIMIT,
    'exhaustion: a built-in the interrupt handler never reaches': NO_CPU_LIMIT,
    'exhaustion: catastrophic regular expression': NO_CPU_LIMIT,
    'exhaustion: microtask loop': NO_CPU_LIMIT,
    'serialisation: a result getter that never returns': NO_CPU_LIMIT,
    'serialisation: a thrown object whose getters loop': NO_CPU_LIMIT,
    'exhaustion: memory: arrays kept alive': NO_HEAP_LIMIT,
    'exhaustion: memory: distinct strings kept alive': NO_HEAP_LIMIT,
    'load: a normal run and /healthz answer while eight infinite loops run': `${ONE_THREAD}`,
    'load: a full pool and queue answer 503 with Retry-After, then recover': NO_POOL,
  },
  differs: {
    'escape: Function constructor through an API method': EVAL_REFUSED,
    'escape: constructor.constructor through console, state and fetch': EVAL_REFUSED,
    'escape: async and generator function constructors': EVAL_REFUSED,
    'escape: prototype walk from a binding to Object and Function': EVAL_REFUSED,
    'exhaustion: huge BigInt arithmetic': {
      reason: 'V8 computes 10n ** 300000n and its digits in about 30 ms: there is no exhaustion to stop',
      expect: { ok: true, result: 300001 },
    },
    'exhaustion: runaway recursion': {
      reason:
        "a V8 isolate's stack size is the platform's and cannot be set per run, so the error names the isolate's limit, not stackBytes",
      expect: {
        kind: 'limit',
        message: /^exceeded the isolate's stack limit \(RangeError: Maximum call stack/,
      },
    },
    'exhaustion: deeply nested JSON': {
      reason:
        "V8 parses and serialises 100,000 levels without recursing on the stack, so it is the result's nesting limit that refuses it",
      expect: { kind: 'limit', message: 'result nests deeper than 512 levels' },
    },
  },
};
