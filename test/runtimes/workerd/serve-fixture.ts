/** A `duet serve --runtime workerd` stand-in for tests: serves on a free port, prints its URL, runs until killed. */
import { serveWorkerd } from '../../../adapters/cloudflare/serve-local.ts';

const [dataDir] = process.argv.slice(2);
const server = await serveWorkerd({ port: 0, dataDir, signals: true });
console.log(JSON.stringify({ url: server.url }));
