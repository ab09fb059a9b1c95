/** The red-team suite against a real `duet serve --runtime node`. */
import { redTeam } from './run-red-team.ts';

redTeam('node');
