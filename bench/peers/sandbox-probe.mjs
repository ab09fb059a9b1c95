// One sandbox, measured in a fresh process (npm's Node 22: @ai-sdk/code-mode needs >= 22.13):
//   node bench/peers/sandbox-probe.mjs PEER '{"runs":200,"cpuRuns":3}'
// prints `DUET_PEER {json}`: start (import + first run), a trivial run and three async host calls per run
// (p50/p99, each run in a fresh context as the peer does by default), the CPU loop against this
// process's own JIT, and RSS. The snippets are duet's own (dist/bench/snippets.js), renamed where a peer
// names its globals differently. Needs `npm run build` (duet's side loads from dist/).
import vm from 'node:vm';

const MARK = 'DUET_PEER ';
const [peer, optionsJson = '{}'] = process.argv.slice(2);
const options = { runs: 200, cpuRuns: 3, ...JSON.parse(optionsJson) };
const started = performance.now();
const dist = new URL('../../dist/', import.meta.url);
const { TRIVIAL, THREE_CALLS, CPU_LOOP } = await import(new URL('bench/snippets.js', dist).href);

/** The three operations the snippet calls, answered on the host after a turn of the event loop. */
const answers = {
  reposGet: { id: 7, name: 'hello', full_name: 'octo/hello', stargazers_count: 42 },
  issuesListForRepo: Array.from({ length: 5 }, (_, i) => ({
    number: i + 1,
    title: `Issue ${i + 1}`,
    state: 'open',
  })),
  usersGetAuthenticated: { login: 'octocat', id: 1, type: 'User' },
};
const hostCall = async (name) => {
  await new Promise((resolve) => setImmediate(resolve));
  return structuredClone(answers[name]);
};
const expected = { stars: 42, open: 5, login: 'octocat' };

/** Each peer: `run(code, withApi)` resolves with the snippet's result; `close()` afterwards. */
const peers = {
  async duet() {
    const { createQuickJSSandbox } = await import(new URL('src/sandbox/index.js', dist).href);
    const { defaultLimits } = await import(new URL('src/sandbox/types.js', dist).href);
    return duetSandbox(createQuickJSSandbox(), defaultLimits);
  },
  async 'duet-pool'() {
    const { createWorkerSandbox } = await import(new URL('adapters/node/sandbox-pool.js', dist).href);
    const { defaultLimits } = await import(new URL('src/sandbox/types.js', dist).href);
    return duetSandbox(createWorkerSandbox({ size: 1 }), defaultLimits);
  },
  async 'code-mode'() {
    const { experimental_runCodeMode: runCodeMode } = await import('@ai-sdk/code-mode');
    const { jsonSchema, tool } = await import('ai');
    const tools = Object.fromEntries(
      Object.keys(answers).map((name) => [
        name,
        tool({
          description: name,
          inputSchema: jsonSchema({ type: 'object' }),
          execute: () => hostCall(name),
        }),
      ]),
    );
    return {
      run: (code, withApi) =>
        runCodeMode({
          js: withApi ? code.replaceAll('github.', 'tools.') : code,
          tools: withApi ? tools : {},
          options: { executionPolicy: { timeoutMs: 60_000 } },
        }),
      close() {},
    };
  },
  async run() {
    const { createRunner } = await import('run');
    const runner = createRunner();
    const hostFunctions = {
      github: Object.fromEntries(Object.keys(answers).map((name) => [name, () => hostCall(name)])),
    };
    return {
      async run(code, withApi) {
        const result = await runner.run({
          source: code,
          ...(withApi ? { hostFunctions } : {}),
          limits: { timeoutMs: 60_000 },
        });
        if (result.status !== 'completed') throw new Error(`run: ${result.status}`);
        return result.value;
      },
      close: () => runner.close?.(),
    };
  },
  async 'sebastianwessel-quickjs'() {
    const { loadQuickJs } = await import('@sebastianwessel/quickjs');
    const variant = (await import('@jitl/quickjs-wasmfile-release-sync')).default;
    const { runSandboxed } = await loadQuickJs(variant);
    const github = Object.fromEntries(Object.keys(answers).map((name) => [name, () => hostCall(name)]));
    return {
      async run(code, withApi) {
        const source = `export default await (async () => {\n${withApi ? code.replaceAll('github.', 'env.github.') : code}\n})();`;
        const result = await runSandboxed(async ({ evalCode }) => evalCode(source), {
          executionTimeout: 60_000,
          ...(withApi ? { env: { github } } : {}),
        });
        if (!result.ok) throw new Error(`sebastianwessel/quickjs: ${JSON.stringify(result.error)}`);
        return result.data;
      },
      close() {},
    };
  },
  async 'quickjs-emscripten'() {
    // The floor: a fresh runtime+context per run, async host functions as deferred promises, nothing else.
    const { getQuickJS } = await import('quickjs-emscripten');
    const QuickJS = await getQuickJS();
    return {
      async run(code, withApi) {
        const runtime = QuickJS.newRuntime();
        const context = runtime.newContext();
        try {
          if (withApi) {
            const github = context.newObject();
            for (const name of Object.keys(answers)) {
              const fn = context.newFunction(name, () => {
                const deferred = context.newPromise();
                hostCall(name).then((value) => {
                  const parsed = context.unwrapResult(context.evalCode(`(${JSON.stringify(value)})`));
                  deferred.resolve(parsed);
                  parsed.dispose();
                  deferred.dispose();
                  runtime.executePendingJobs();
                });
                return deferred.handle;
              });
              context.setProp(github, name, fn);
              fn.dispose();
            }
            context.setProp(context.global, 'github', github);
            github.dispose();
          }
          const promise = context.unwrapResult(
            context.evalCode(`(async () => JSON.stringify(await (async () => {\n${code}\n})()))()`),
          );
          const settled = context.resolvePromise(promise);
          promise.dispose();
          runtime.executePendingJobs();
          const value = context.unwrapResult(await settled);
          const text = context.getString(value);
          value.dispose();
          return JSON.parse(text);
        } finally {
          context.dispose();
          runtime.dispose();
        }
      },
      close() {},
    };
  },
  async vm() {
    // Unsafe baseline: a new V8 context per run, host functions handed in directly (no isolation from them).
    const github = Object.fromEntries(Object.keys(answers).map((name) => [name, () => hostCall(name)]));
    return {
      run(code, withApi) {
        const context = vm.createContext(withApi ? { github } : {});
        return vm.runInContext(`(async () => {\n${code}\n})()`, context, { timeout: 60_000 });
      },
      close() {},
    };
  },
};

function duetSandbox(sandbox, defaultLimits) {
  const request = (code, withApi) => ({
    code,
    bindings: { apis: withApi ? { github: Object.keys(answers) } : {}, state: false, fetch: false },
    limits: { ...defaultLimits, timeoutMs: 60_000 },
  });
  const host = (call) => hostCall(call.method);
  return {
    async run(code, withApi) {
      const result = await sandbox.run(request(code, withApi), host);
      if (!result.ok) throw new Error(`duet: ${result.error.kind}: ${result.error.message}`);
      return result.result;
    },
    close: () => sandbox.close(),
  };
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

async function timed(n, fn) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), n };
}

try {
  if (!Object.hasOwn(peers, peer))
    throw new Error(`unknown peer '${peer}': ${Object.keys(peers).join(', ')}`);
  const sandbox = await peers[peer]();
  const first = await sandbox.run(TRIVIAL, false);
  const startMs = performance.now() - started;
  if (first !== 2) throw new Error(`trivial run gave ${JSON.stringify(first)}`);
  const three = await sandbox.run(THREE_CALLS, true);
  if (JSON.stringify(three) !== JSON.stringify(expected))
    throw new Error(`three calls gave ${JSON.stringify(three)}`);
  for (let i = 0; i < 20; i++) await sandbox.run(TRIVIAL, false);
  const trivial = await timed(options.runs, () => sandbox.run(TRIVIAL, false));
  const threeCalls = await timed(Math.ceil(options.runs / 2), () => sandbox.run(THREE_CALLS, true));
  const cpu = await timed(options.cpuRuns, () => sandbox.run(CPU_LOOP, false));
  const native = new Function(CPU_LOOP);
  for (let i = 0; i < 3; i++) native();
  const jit = await timed(7, () => native());
  await sandbox.close();
  const result = {
    peer,
    node: process.version,
    startMs,
    trivial,
    threeCalls,
    cpuMs: cpu.p50,
    jitMs: jit.p50,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
  console.log(MARK + JSON.stringify(result));
  process.exit(0);
} catch (error) {
  console.log(
    MARK +
      JSON.stringify({
        peer,
        error: String(error?.stack ?? error)
          .split('\n')
          .slice(0, 3)
          .join(' '),
      }),
  );
  process.exit(1);
}
