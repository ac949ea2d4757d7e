import 'reflect-metadata';

import { ConfigError, parseApiEnv } from './config/env.schema.js';
import { createApp } from './create-app.js';

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
const { app } = await createApp(config);
await app.listen(config.PORT, '0.0.0.0');
process.stdout.write(`ratchet api listening on :${config.PORT}\n`);
