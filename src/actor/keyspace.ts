/** How actors share one driver key space: a one-letter kind, the actor's key, then the rest. */

/** One actor: stable across restarts. Tenants are kept apart by being part of the address. */
export interface ActorAddress {
  tenant: string;
  namespace: string;
  name: string;
}

// Kinds. Every driver key starts with exactly one of these letters.
const DATA = 'd'; // d<actor><user key>               -> value record
const CHUNK = 'c'; // c<actor><version>/<index>       -> a slice of a large value
const LOG = 't'; // t<actor><txid>, t<actor><txid>/<i> -> redo log of a write too big for one batch
const META = 'm'; // m<actor>                          -> the actor exists (first activation)
const SCHEDULE = 's'; // s<actor><id>                  -> a schedule record
const DUE = 'q'; // q<at, 16 digits>/<actor><id>       -> due index over every actor's schedules

/**
 * `tenant/namespace/name/`, each part with `%` and `/` percent-encoded, so no actor's key is a
 * prefix of another's and the database stays readable (`d` + `acme/sessions/s1/` + `counter`).
 */
export function actorKey(address: ActorAddress): string {
  return `${escapePart(address.tenant)}/${escapePart(address.namespace)}/${escapePart(address.name)}/`;
}

function escapePart(part: string): string {
  return part.replace(/[%/]/g, (c) => (c === '%' ? '%25' : '%2F'));
}

/** The key of every actor of `namespace` under `tenant` starts with this. */
export function namespaceKey(tenant: string, namespace: string): string {
  return `${escapePart(tenant)}/${escapePart(namespace)}/`;
}

/** The address back from `actorKey`'s form; undefined for anything else. */
export function parseActorKey(key: string): ActorAddress | undefined {
  const parts = key.split('/');
  if (parts.length !== 4 || parts[3] !== '') return undefined;
  const [tenant, namespace, name] = parts.map((part) =>
    part.replace(/%25|%2F/g, (c) => (c === '%25' ? '%' : '/')),
  );
  return { tenant, namespace, name };
}

export const dataPrefix = (actor: string): string => DATA + actor;
export const chunkKey = (actor: string, version: string, index: number): string =>
  `${CHUNK}${actor}${version}/${String(index).padStart(6, '0')}`;
export const logPrefix = (actor: string): string => LOG + actor;
export const logKey = (actor: string, txid: string, index?: number): string =>
  index === undefined ? LOG + actor + txid : `${LOG}${actor}${txid}/${String(index).padStart(6, '0')}`;
export const metaKey = (actor: string): string => META + actor;
/** Every meta key, one per actor that has run. */
export const metaAll: { start: string; end: string } = {
  start: META,
  end: String.fromCharCode(META.charCodeAt(0) + 1),
};
export const schedulePrefix = (actor: string): string => SCHEDULE + actor;
export const scheduleKey = (actor: string, id: string): string => SCHEDULE + actor + id;

/** Epoch ms as 16 digits, so key order is time order. */
const time = (at: number): string => String(Math.max(0, Math.floor(at))).padStart(16, '0');
export const dueKey = (at: number, actor: string, id: string): string => `${DUE}${time(at)}/${actor}${id}`;
/** Every due-index key at or before `at`. */
export const dueUntil = (at: number): { start: string; end: string } => ({
  start: DUE,
  end: DUE + time(at + 1),
});
export const dueAll: { start: string; end: string } = {
  start: DUE,
  end: String.fromCharCode(DUE.charCodeAt(0) + 1),
};
export const dueTime = (key: string): number => Number(key.slice(1, 17));

export const isScheduleKey = (key: string): boolean => key.startsWith(SCHEDULE);
export const isDueKey = (key: string): boolean => key.startsWith(DUE);
export const isDataKey = (key: string): boolean => key.startsWith(DATA);

/** A fresh id that sorts after earlier ones from this process and never contains `/`. */
export function newId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}-${crypto.randomUUID().slice(0, 8)}`;
}
