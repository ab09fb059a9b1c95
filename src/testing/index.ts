/** duet/testing: the actor conformance suite, for any driver on any runtime. */
export { runAckWriter, WRITE_BYTES, WRITERS } from './ack-writer.ts';
export { AssertionError, assert, equal, rejects } from './assert.ts';
export type { ConformanceCase } from './cases/index.ts';
export { conformanceCases } from './cases/index.ts';
export type { CaseContext } from './context.ts';
export {
  DENO_KV_LIMITS,
  type FaultOptions,
  type FaultyDriver,
  faultyDriver,
  InjectedCrash,
  TINY_LIMITS,
} from './faulty-driver.ts';
export { memoryTarget } from './memory-target.ts';
export { codePointOrder, ReferenceModel } from './reference-model.ts';
export {
  type CasePlan,
  type CaseResult,
  defineConformanceTests,
  planCase,
  runCase,
  runConformance,
  supportTable,
} from './run-conformance.ts';
export {
  type ConformanceTarget,
  type DriverFeature,
  FEATURES,
  type Feature,
  type Support,
  type SupportLevel,
  type WriterProcess,
} from './target.ts';
