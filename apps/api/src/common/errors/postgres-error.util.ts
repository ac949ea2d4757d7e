// The Postgres error mapping lives in libs/db, beside the repositories that raise these errors, so the worker
// reads SQLSTATEs the same way.
export { sqlState, uniqueViolation } from '@ratchet/db';
