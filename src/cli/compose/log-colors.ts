// Coloured log prefixes, as docker compose gives each container the next colour of its palette
// (cyan, yellow, green, magenta, blue, then their bright forms) when output is a terminal.
import { prefixer } from '../../orchestrator/index.js';

const PALETTE = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'];

/** Like `prefixer`, each name's prefix wrapped in its own colour (in `names` order) when `color`. */
export function colorPrefixer(names: string[], color: boolean): (name: string) => string {
  const plain = prefixer(names);
  if (!color) return plain;
  const codes = new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]]));
  return (name) => `\x1b[${codes.get(name) ?? PALETTE[0]}m${plain(name)}\x1b[0m`;
}
