import type { HardeningAdvice } from './remediation.types.js';

/**
 * Two fixes no Pod Security level requires but that belong in the same change as `runAsNonRoot`; suggestPatch
 * never applies them because each needs to know what the app writes or whether it calls the API.
 */
export const EXTRA_HARDENING: readonly HardeningAdvice[] = [
  {
    id: 'readOnlyRootFilesystem',
    title: 'Read-only root filesystem',
    what:
      'Set `readOnlyRootFilesystem: true` on each container and mount an `emptyDir` at every path the app writes ' +
      'to, typically `/tmp`, `/var/cache` and `/var/run`.',
    why:
      'An attacker who gets code execution cannot drop binaries or rewrite the app in place, and writes are limited ' +
      'to the paths you chose.',
    snippet: `spec:
  containers:
    - name: app
      securityContext:
        readOnlyRootFilesystem: true
      volumeMounts:
        - { name: tmp, mountPath: /tmp }
        - { name: cache, mountPath: /var/cache }
        - { name: run, mountPath: /var/run }
  volumes:
    - { name: tmp, emptyDir: {} }
    - { name: cache, emptyDir: {} }
    - { name: run, emptyDir: {} }
`,
  },
  {
    id: 'automountServiceAccountToken',
    title: 'No service account token',
    what: 'Set `automountServiceAccountToken: false` on pods that never call the Kubernetes API.',
    why: 'A token the app does not use is only useful to whoever compromises the pod.',
    snippet: `spec:
  automountServiceAccountToken: false
`,
  },
];
