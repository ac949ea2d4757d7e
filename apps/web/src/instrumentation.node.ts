import { webEnv } from './config/env';

try {
  webEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
