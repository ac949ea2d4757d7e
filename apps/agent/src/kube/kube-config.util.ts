import { KubeConfig } from '@kubernetes/client-node';

/**
 * The Kubernetes client configuration: the kubeconfig file when one is named (running outside the cluster),
 * else the pod's service account (`/var/run/secrets/kubernetes.io/serviceaccount` under `inClusterPrefix`).
 */
export function loadKubeConfig(kubeconfigPath: string | undefined, inClusterPrefix = ''): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromCluster(inClusterPrefix);
  if (!kc.getCurrentCluster()) throw new Error('the Kubernetes configuration names no current cluster');
  return kc;
}
