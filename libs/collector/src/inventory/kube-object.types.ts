/** An object as the Kubernetes API sends it: only `metadata` is relied on before stripping. */
export interface KubeObject {
  metadata?: { uid?: string; name?: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  [key: string]: unknown;
}
