/** Types of build-console.js (plain JavaScript so `npm run build` can run it before TypeScript is compiled). */
export declare const CONSOLE_BUNDLE_PATH: string;
export declare function buildConsole(): Promise<{ js: string; css: string }>;
export declare function renderConsoleBundle(bundle: { js: string; css: string }): string;
