import { generate } from 'selfsigned';

/** PEM material of the simulator's TLS: a CA (embedded in the kubeconfig) and a server certificate it signed. */
export interface SimulatorCertificates {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/**
 * Generates a fresh CA and a server certificate for 127.0.0.1, ::1 and localhost (plus `extraHosts`),
 * so kubectl and client-node verify the server exactly as against a real apiserver. Pure JavaScript
 * (selfsigned / node-forge): no openssl binary needed.
 */
export async function generateCertificates(extraHosts: readonly string[] = []): Promise<SimulatorCertificates> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'ratchet-cluster-sim-ca' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const ipHosts = ['127.0.0.1', '::1', ...extraHosts.filter((h) => /^[\d.:]+$/.test(h))];
  const dnsHosts = ['localhost', 'kubernetes', 'kubernetes.default.svc', ...extraHosts.filter((h) => !/^[\d.:]+$/.test(h))];
  const server = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsHosts.map((value) => ({ type: 2 as const, value })), ...ipHosts.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { caCert: ca.cert, serverCert: server.cert, serverKey: server.private };
}
