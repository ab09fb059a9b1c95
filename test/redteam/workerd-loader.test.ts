/** The red-team suite against a real `duet serve --runtime workerd` running every snippet in a Dynamic Worker. */
import { redTeam } from './run-red-team.ts';
import { workerdLoader } from './workerd-declared.ts';

redTeam('workerd', { args: ['--sandbox', 'loader'], declared: workerdLoader });
