/** Sessions as actors: state, audit, plans and the agent's conversation in one actor per session. */
export {
  actorSessions,
  recordsOf,
  SESSIONS,
  type SessionNamespaces,
  type SessionSystem,
  stateOf,
} from './actor-sessions.ts';
export { DUET_ACTORS, type DurableSessions, sessionsOn } from './open-sessions.ts';
export { RECORDS_PREFIX, SESSION_WAKE, SessionActor } from './session-actor.ts';
