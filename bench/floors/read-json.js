// The floor of `ratchet check` on a JSON export: read the file and JSON.parse it, nothing else.
//   node bench/floors/read-json.js FILE
import { readFileSync } from 'node:fs';

const list = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(`${list.items?.length ?? 0} items\n`);
