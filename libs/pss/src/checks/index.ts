import type { CheckDefinition } from '../policy/check.types.js';
import { allowPrivilegeEscalationCheck } from './allow-privilege-escalation.check.js';
import { appArmorProfileCheck } from './app-armor-profile.check.js';
import { capabilitiesBaselineCheck } from './capabilities-baseline.check.js';
import { capabilitiesRestrictedCheck } from './capabilities-restricted.check.js';
import { hostNamespacesCheck } from './host-namespaces.check.js';
import { hostPathVolumesCheck } from './host-path-volumes.check.js';
import { hostPortsCheck } from './host-ports.check.js';
import { hostProbesAndHostLifecycleCheck } from './host-probes-and-host-lifecycle.check.js';
import { privilegedCheck } from './privileged.check.js';
import { procMountRestrictedCheck } from './proc-mount-restricted.check.js';
import { procMountCheck } from './proc-mount.check.js';
import { restrictedVolumesCheck } from './restricted-volumes.check.js';
import { runAsNonRootCheck } from './run-as-non-root.check.js';
import { runAsUserCheck } from './run-as-user.check.js';
import { seLinuxOptionsCheck } from './se-linux-options.check.js';
import { seccompProfileBaselineCheck } from './seccomp-profile-baseline.check.js';
import { seccompProfileRestrictedCheck } from './seccomp-profile-restricted.check.js';
import { sysctlsCheck } from './sysctls.check.js';
import { windowsHostProcessCheck } from './windows-host-process.check.js';

/** Every check upstream registers by default (policy.DefaultChecks). Order here does not matter. */
export const DEFAULT_CHECKS: readonly CheckDefinition[] = [
  allowPrivilegeEscalationCheck,
  appArmorProfileCheck,
  capabilitiesBaselineCheck,
  capabilitiesRestrictedCheck,
  hostNamespacesCheck,
  hostPathVolumesCheck,
  hostPortsCheck,
  hostProbesAndHostLifecycleCheck,
  privilegedCheck,
  procMountCheck,
  procMountRestrictedCheck,
  restrictedVolumesCheck,
  runAsNonRootCheck,
  runAsUserCheck,
  seLinuxOptionsCheck,
  seccompProfileBaselineCheck,
  seccompProfileRestrictedCheck,
  sysctlsCheck,
  windowsHostProcessCheck,
];
