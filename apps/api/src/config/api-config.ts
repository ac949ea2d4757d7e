import type { ApiEnv } from './env.schema.js';

/** DI token for the parsed, typed API configuration. */
export const API_CONFIG = Symbol('API_CONFIG');

export type ApiConfig = ApiEnv;
