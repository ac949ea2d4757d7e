import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from '@jest/globals';

// The built dashboard (`next start`) parses its environment at boot and stops on a bad value, naming it.
const WEB_DIR = fileURLToPath(new URL('../', import.meta.url));
const NEXT_BIN = fileURLToPath(new URL('../../../node_modules/next/dist/bin/next', import.meta.url));

describe('web environment', () => {
  it('refuses a RATCHET_API_URL that is not http(s), naming it, and exits 1', async () => {
    if (!existsSync(`${WEB_DIR}dist/BUILD_ID`)) throw new Error('apps/web/dist is missing: npx nx run @ratchet/web:build');
    const child = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', '0'], {
      cwd: WEB_DIR,
      env: { PATH: process.env['PATH'] ?? '', RATCHET_API_URL: 'ftp://nope', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/RATCHET_API_URL: must be an http:\/\/ or https:\/\/ URL/);
  });
});
