/** The sandbox figures of one runtime: start, trivial run (in-process and through the pool), CPU loop vs native. */
import { prepareContext } from '../src/sandbox/fresh-context.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { loadQuickJSModule } from '../src/sandbox/quickjs-module.ts';
import { defaultLimits, type RunRequest, type Sandbox } from '../src/sandbox/types.ts';
import { sample } from './stats.ts';

export interface SandboxFigures {
  runtime: string;
  /** New QuickJS module (capped WASM memory) plus its first context, cold. */
  startMs: number;
  /** A fresh runtime+context on a loaded module (what every run gets). */
  contextMs: number;
  /** `return 1 + 1` on the in-process sandbox, warm. */
  trivialP50: number;
  trivialP95: number;
  /** First run on a new pool: worker or subprocess start, module load, run. */
  poolStartMs: number;
  /** `return 1 + 1` through the pool (thread or subprocess), warm. */
  poolP50: number;
  poolP95: number;
  loopQuickJsMs: number;
  loopNativeMs: number;
}

const CPU_LOOP = 'let s = 0; for (let i = 0; i < 5e6; i++) s = (s * 31 + i) | 0; return s;';

const request = (code: string): RunRequest => ({
  code,
  bindings: { apis: {}, state: false, fetch: false },
  limits: { ...defaultLimits, timeoutMs: 30_000 },
});

const noHost = async () => undefined;

export async function measureSandbox(runtime: string, createPool: () => Sandbox): Promise<SandboxFigures> {
  let started = performance.now();
  const module = await loadQuickJSModule(defaultLimits.memoryBytes);
  prepareContext(module);
  const startMs = performance.now() - started;
  const context = await sample(200, () => prepareContext(module), 20);

  const local = createQuickJSSandbox();
  const trivial = await sample(1000, () => local.run(request('return 1 + 1'), noHost));
  const loop = await sample(5, () => local.run(request(CPU_LOOP), noHost), 1);
  await local.close();
  const native = new Function(CPU_LOOP) as () => number;
  const nativeLoop = await sample(10, () => native(), 5);

  const pool = createPool();
  started = performance.now();
  await pool.run(request('return 1 + 1'), noHost);
  const poolStartMs = performance.now() - started;
  const pooled = await sample(500, () => pool.run(request('return 1 + 1'), noHost));
  await pool.close();

  return {
    runtime,
    startMs,
    contextMs: context.p50,
    trivialP50: trivial.p50,
    trivialP95: trivial.p95,
    poolStartMs,
    poolP50: pooled.p50,
    poolP95: pooled.p95,
    loopQuickJsMs: loop.p50,
    loopNativeMs: nativeLoop.p50,
  };
}
