/** Every conformance case, in the order they run. */
import { actorCases } from './actors.ts';
import { alarmCases } from './alarms.ts';
import type { ConformanceCase } from './case.ts';
import { durabilityCases } from './durability.ts';
import { faultCases } from './faults.ts';
import { largeValueCases } from './large-values.ts';
import { modelCases } from './model.ts';
import { storageCases } from './storage.ts';

export type { ConformanceCase } from './case.ts';

export const conformanceCases: readonly ConformanceCase[] = [
  ...storageCases,
  ...largeValueCases,
  ...modelCases,
  ...actorCases,
  ...alarmCases,
  ...faultCases,
  ...durabilityCases,
];
