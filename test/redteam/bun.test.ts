/** The red-team suite against a real `duet serve --runtime bun`. */
import { redTeam } from './run-red-team.ts';

redTeam('bun');
