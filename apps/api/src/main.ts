import 'reflect-metadata';

import { ConfigError, parseApiEnv } from './config/env.schema.js';
import { createApp } from './create-app.js';
import { BootCheckError } from './infra/database-boot-check.js';

let config;
try {
  config = parseApiEnv(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG: a bad environment is not worth restarting for.
  }
  throw error;
}
let app;
try {
  ({ app } = await createApp(config));
} catch (error) {
  if (error instanceof BootCheckError) {
    process.stderr.write(`ratchet api cannot start: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  throw error;
}
await app.listen(config.PORT, '0.0.0.0');
process.stdout.write(`ratchet api listening on :${config.PORT} (public URL ${config.RATCHET_PUBLIC_URL})\n`);
