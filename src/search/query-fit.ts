/** How well an operation fits what the query asks to do (its intent) and to how many things (its shape). */
import type { Operation } from '../catalog/types.ts';
import type { QueryPlan } from './analyze.ts';
import type { OperationTraits } from './operation-traits.ts';

const NAME_INTENT_BOOST = 1.3;
const METHOD_INTENT_BOOST = 1.15;
const INTENT_MISMATCH = 0.9;
const SHAPE_BOOST = 1.1;
const WRITE_SHAPE_BOOST = 1.1;

export function intentFactor(plan: QueryPlan, traits: OperationTraits): number {
  // The query's verb is the operation's verb ("star a repo" -> star-repo-...), known to us or not.
  const lead = plan.lead !== undefined && traits.leads.includes(plan.lead) ? NAME_INTENT_BOOST : 1;
  if (plan.intent === undefined) return plan.acts ? Math.max(lead, actsFactor(plan, traits)) : lead;
  if (traits.nameIntents.includes(plan.intent)) return NAME_INTENT_BOOST;
  if (traits.methodIntent === plan.intent) return Math.max(lead, METHOD_INTENT_BOOST);
  if (lead > 1) return lead;
  return traits.nameIntents.length > 0 || traits.methodIntent !== undefined ? INTENT_MISMATCH : 1;
}

/**
 * An unknown verb ("star", "merge", "protect") changes something, and deletions have a closed vocabulary
 * we know, except the un- verbs ("unstar", "unfollow"), which undo.
 */
function actsFactor(plan: QueryPlan, traits: OperationTraits): number {
  const undoes = plan.lead!.startsWith('un');
  const wanted = undoes
    ? traits.methodIntent === 'delete'
    : traits.methodIntent === 'create' || traits.methodIntent === 'update';
  return wanted ? METHOD_INTENT_BOOST : 1;
}

/**
 * Soft HTTP cues: creating is a POST to a collection ("add", "open"), changing a PATCH, PUT or POST to one
 * item ("rename", "close"); reads and deletes go to one item or a collection as the query's number says.
 */
export function shapeFactor(plan: QueryPlan, op: Operation, traits: OperationTraits): number {
  const { intent } = plan;
  if (intent === 'create' || intent === 'update') {
    if (traits.methodIntent !== intent) return 1;
    const wanted = intent === 'create' ? 'collection' : 'item';
    return traits.shape === wanted ? WRITE_SHAPE_BOOST : 1;
  }
  if (plan.shape === undefined || (op.method !== 'get' && op.method !== 'delete')) return 1;
  return traits.shape === plan.shape ? SHAPE_BOOST : 1;
}
