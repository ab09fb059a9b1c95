/** Reads wrangler.jsonc, so the local workerd runs with the same entry, dates, flags and objects as a deploy. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Next to this file in the sources; from dist/adapters/cloudflare/, back in the sources' adapters/cloudflare/. */
function findWranglerConfig(): string {
  const candidates = ['./wrangler.jsonc', '../../../adapters/cloudflare/wrangler.jsonc'].map((path) =>
    fileURLToPath(new URL(path, import.meta.url)),
  );
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

export const WRANGLER_CONFIG: string = findWranglerConfig();
/** The checker Worker's config (`duet-typecheck`, the duet Worker's TYPECHECK binding), beside the main one. */
export const TYPECHECK_WRANGLER_CONFIG: string = join(
  dirname(WRANGLER_CONFIG),
  'typecheck',
  'wrangler.jsonc',
);

export interface WranglerConfig {
  name: string;
  /** Absolute path of the Worker's entry. */
  main: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  durableObjects: { name: string; className: string }[];
  sqliteClasses: string[];
  /** Bindings of `worker_loaders` (Dynamic Workers). */
  workerLoaders: string[];
  /** Service bindings to other Workers, by binding name (`services`). */
  services: { binding: string; service: string; entrypoint?: string }[];
  /** `minify`: whether wrangler minifies the bundle (the local launcher does the same). */
  minify: boolean;
}

interface RawConfig {
  name: string;
  main: string;
  compatibility_date: string;
  compatibility_flags?: string[];
  durable_objects?: { bindings?: { name: string; class_name: string }[] };
  migrations?: { new_sqlite_classes?: string[] }[];
  worker_loaders?: { binding: string }[];
  services?: { binding: string; service: string; entrypoint?: string }[];
  minify?: boolean;
}

export function readWranglerConfig(path: string = WRANGLER_CONFIG): WranglerConfig {
  // Comments go, strings stay (a "//" inside a string is not a comment).
  const text = readFileSync(path, 'utf8').replace(
    /("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    (_, string?: string) => string ?? '',
  );
  const raw = JSON.parse(text) as RawConfig;
  return {
    name: raw.name,
    main: resolve(dirname(path), raw.main),
    compatibilityDate: raw.compatibility_date,
    compatibilityFlags: raw.compatibility_flags ?? [],
    durableObjects: (raw.durable_objects?.bindings ?? []).map((b) => ({
      name: b.name,
      className: b.class_name,
    })),
    sqliteClasses: (raw.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []),
    workerLoaders: (raw.worker_loaders ?? []).map((l) => l.binding),
    services: raw.services ?? [],
    minify: raw.minify ?? false,
  };
}
