/** The red-team suite against a real `duet serve --runtime workerd` with QuickJS in the Worker's isolate. */
import { redTeam } from './run-red-team.ts';
import { workerdQuickJS } from './workerd-declared.ts';

// The guest memory other runtimes default to, so the memory cases read the same (the Worker's default is 32 MiB).
redTeam('workerd', {
  args: ['--sandbox', 'quickjs', '--sandbox-limit', 'memoryBytes=67108864'],
  declared: workerdQuickJS,
});
