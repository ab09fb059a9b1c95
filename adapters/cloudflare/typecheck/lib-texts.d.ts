/** See lib-texts.js: TypeScript's lib files the checker Worker bundles, text by file name. */
export declare const libTexts: Readonly<Record<string, string>>;
