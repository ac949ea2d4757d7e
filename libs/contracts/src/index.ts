export * from './common.contract.js';
export * from './projection.contract.js';
export * from './ingest.contract.js';
export * from './kubernetes-audit.contract.js';
export * from './auth.contract.js';
export * from './tokens.contract.js';
export * from './query.contract.js';
export * from './clusters.contract.js';
export { formatZodIssues } from './zod-issues.util.js';
