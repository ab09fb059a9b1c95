/** The red-team suite against a real `duet serve --runtime deno`. */
import { redTeam } from './run-red-team.ts';

redTeam('deno');
