import type { CheckDefinition } from '../policy/check.types.js';
import { unmaskedProcMount } from './proc-mount.check.js';

// Restricted keeps the unconditional rule when baseline relaxed it for user namespaces in v1.35.
export const procMountRestrictedCheck: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minVersion: 35, check: unmaskedProcMount, overrides: ['procMount'] }],
};
