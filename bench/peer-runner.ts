/**
 * The peers duet is measured beside: installed into bench/peers/ on first use (never into duet's own
 * dependencies, which CI installs), each probe run in a fresh process on npm's Node 22 and read back as
 * one JSON line. A peer that cannot install or run is reported with the reason, not dropped.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { packageRoot } from '../adapters/node/package-info.ts';
import { NODE22 } from './runtimes.ts';

export const PEERS_DIR = `${packageRoot}bench/peers/`;
const MARK = 'DUET_PEER ';

/** The packages bench/peers/package.json lists. */
export function peerPackages(): Record<string, string> {
  return JSON.parse(readFileSync(`${PEERS_DIR}package.json`, 'utf8')).dependencies;
}

export function installedVersion(name: string, dir = `${PEERS_DIR}node_modules/`): string | undefined {
  try {
    return JSON.parse(readFileSync(`${dir}${name}/package.json`, 'utf8')).version;
  } catch {
    return undefined;
  }
}

function missing(): string[] {
  return Object.entries(peerPackages())
    .filter(([name, version]) => installedVersion(name) !== version)
    .map(([name]) => name);
}

/** Runs npm in bench/peers; resolves with why it failed, or undefined. */
function npmInPeers(args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      args,
      { cwd: PEERS_DIR, timeout: 300_000, maxBuffer: 8 << 20 },
      (error, _stdout, stderr) =>
        resolve(
          error
            ? `npm ${args[0]} in bench/peers failed: ${(stderr || error.message).trim().split('\n').slice(-2).join(' ')}`
            : undefined,
        ),
    );
  });
}

/**
 * Installs bench/peers from its lockfile (`npm ci --ignore-scripts`) when a listed package is missing or
 * at another version. npm 11 writes lockfiles without the platform packages of optional dependencies
 * (cbor-extract's, under rivetkit) and then refuses `npm ci` on them as out of sync; `npm install
 * --no-save` installs the same locked versions without rewriting the lockfile. Resolves with why it
 * could not, or undefined when every peer package is there.
 */
export async function ensurePeers(log: (text: string) => void): Promise<string | undefined> {
  if (missing().length === 0) return undefined;
  const lock = existsSync(`${PEERS_DIR}package-lock.json`);
  const options = ['--prefix', PEERS_DIR, '--ignore-scripts', '--no-audit', '--no-fund'];
  const args = [lock ? 'ci' : 'install', ...options];
  log(`installing the peers once: npm ${args.join(' ')}`);
  let failure = await npmInPeers(args);
  if (failure && lock) {
    log(`${failure}; trying npm install --no-save`);
    failure = await npmInPeers(['install', '--no-save', ...options]);
  }
  const still = missing();
  if (failure) return failure;
  return still.length ? `not installed after npm ${args[0]}: ${still.join(', ')}` : undefined;
}

export type ProbeOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Runs `node22 bench/peers/<script> ...args` and returns its JSON line (or why there is none). */
export function runProbe<T>(script: string, args: string[], timeoutMs = 180_000): Promise<ProbeOutcome<T>> {
  return new Promise((resolve) => {
    if (!existsSync(NODE22)) {
      resolve({ ok: false, reason: `${NODE22} is missing (the \`node\` dev dependency installs it)` });
      return;
    }
    const child = spawn(NODE22, ['--no-warnings', `${PEERS_DIR}${script}`, ...args], {
      cwd: PEERS_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      if (!line) {
        resolve({
          ok: false,
          reason: `exited ${signal ?? code} without a result: ${stderr.trim().slice(-300)}`,
        });
        return;
      }
      const value = JSON.parse(line.slice(MARK.length)) as T & { error?: string };
      resolve(value.error ? { ok: false, reason: value.error } : { ok: true, value });
    });
  });
}
