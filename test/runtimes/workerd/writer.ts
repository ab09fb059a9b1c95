/** The durability case's writer child: its own workerd on the runner's data dir, streaming `ack <n>` lines until killed. */
import { Miniflare } from 'miniflare';
import { conformanceOptions } from './conformance-miniflare.ts';

const [persistDir, place] = process.argv.slice(2);
const mf = new Miniflare(await conformanceOptions(persistDir));
const response = await mf.dispatchFetch(`http://writer/ack-writer?place=${encodeURIComponent(place)}`);
for await (const chunk of response.body as AsyncIterable<Uint8Array>) process.stdout.write(chunk);
