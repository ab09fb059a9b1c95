/** Choosing among the media types an operation offers: JSON first, then forms, then whatever comes first. */

function essence(mediaType: string): string {
  return mediaType.split(';')[0]!.trim().toLowerCase();
}

export function isJsonMediaType(mediaType: string): boolean {
  const type = essence(mediaType);
  return type === 'application/json' || type.endsWith('+json') || type.endsWith('/json');
}

export const formUrlEncoded = 'application/x-www-form-urlencoded';
export const multipartForm = 'multipart/form-data';

/** The preferred media type: `application/json`, any other JSON type, a form type, then the first. */
export function pickMediaType(mediaTypes: readonly string[]): string | undefined {
  return (
    mediaTypes.find((type) => essence(type) === 'application/json') ??
    mediaTypes.find(isJsonMediaType) ??
    mediaTypes.find((type) => essence(type) === formUrlEncoded) ??
    mediaTypes.find((type) => essence(type) === multipartForm) ??
    mediaTypes[0]
  );
}

/** The content type to send: a wildcard leaves the choice to duet, which sends JSON. */
export function requestContentType(mediaType: string | undefined): string {
  if (mediaType === undefined || essence(mediaType).includes('*')) return 'application/json';
  return mediaType;
}

/**
 * The success response among status keys: the lowest explicit 2xx code (200, 201, ...), then `2XX`,
 * then `default`.
 */
export function pickSuccessStatus(statuses: readonly string[]): string | undefined {
  const explicit = statuses.filter((status) => /^2\d\d$/.test(status)).sort();
  return (
    explicit[0] ??
    statuses.find((status) => status.toUpperCase() === '2XX') ??
    statuses.find((s) => s === 'default')
  );
}
