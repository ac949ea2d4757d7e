// The reference for `ratchet check` on YAML: a fast maintained YAML loader (js-yaml, the one Ratchet uses,
// resolved from libs/pss) reading the file with its default schema, nothing else.
//   node bench/floors/load-yaml.js FILE
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../libs/pss/package.json', import.meta.url));
const { load } = (await import(require.resolve('js-yaml')));
const list = load(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(`${list.items?.length ?? 0} items\n`);
