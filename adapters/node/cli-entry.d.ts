export function cliEntry(distNodeDir: URL): URL;
