/**
 * Session ids: 1-128 letters, digits, '.', '_', ':' or '-', but not '.' or '..', which URLs normalise
 * away (`/v1/sessions/../state`), so such a session's state and audit could never be read.
 */
export const SESSION_PATTERN: RegExp = /^(?!\.\.?$)[A-Za-z0-9._:-]{1,128}$/;

export const SESSION_RULE = "1-128 characters of letters, digits, '.', '_', ':' or '-' (not '.' or '..')";
