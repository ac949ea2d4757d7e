import { describe, expect, it } from '@jest/globals';

import type { Container, ContainerPort } from '../src/index.js';
import { evaluatePod } from '../src/index.js';
import { createContainer, createPod } from './support/pod.factory.js';

const sut = evaluatePod;

describe('hostPorts', () => {
  const withPorts = (name: string, ...hostPorts: (number | null)[]): Container =>
    createContainer(name, {
      ports: hostPorts.map((hostPort): ContainerPort => ({ containerPort: 8000, hostPort })),
    });
  const baselineDetail = (...containers: Container[]) =>
    sut(createPod({ containers }), 'baseline', 'latest').forbiddenDetail;

  it('uses the singular for one container and one port', () => {
    expect(baselineDetail(withPorts('a', 8080))).toBe('hostPort (container "a" uses hostPort 8080)');
  });

  it('uses the plural for one container with several ports, sorted as strings', () => {
    expect(baselineDetail(withPorts('a', 80, 443))).toBe('hostPort (container "a" uses hostPorts 443, 80)');
  });

  it('uses the plural verb for several containers sharing one port', () => {
    expect(baselineDetail(withPorts('a', 80), withPorts('b', 80))).toBe('hostPort (containers "a", "b" use hostPort 80)');
  });

  it('sorts "10" before "9" and drops duplicates', () => {
    expect(baselineDetail(withPorts('a', 9, 10), withPorts('b', 9))).toBe(
      'hostPort (containers "a", "b" use hostPorts 10, 9)',
    );
  });

  it('ignores a zero or absent hostPort', () => {
    expect(sut(createPod({ containers: [withPorts('a', 0, null)] }), 'baseline', 'latest').allowed).toBe(true);
  });

  it('checks init containers first', () => {
    const pod = createPod({ initContainers: [withPorts('init', 53)], containers: [withPorts('app', 8080)] });

    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'hostPort (containers "init", "app" use hostPorts 53, 8080)',
    );
  });
});

describe('hostProbesAndHostLifecycle', () => {
  it('names the containers as a sorted set, not in visit order, and the hosts as a sorted set', () => {
    const pod = createPod({
      initContainers: [createContainer('zeta', { livenessProbe: { httpGet: { host: '10.0.0.1', port: 8080 } } })],
      containers: [
        createContainer('alpha', {
          readinessProbe: { tcpSocket: { host: 'example.com', port: 80 } },
          lifecycle: { preStop: { httpGet: { host: '10.0.0.1', port: 80 } } },
        }),
        createContainer('mid', {
          startupProbe: { grpc: { port: 9000 } },
          livenessProbe: { exec: { command: ['true'] } },
          readinessProbe: { httpGet: { port: 80, httpHeaders: [{ name: 'Host', value: 'evil.example' }] } },
        }),
      ],
      ephemeralContainers: [createContainer('beta', { lifecycle: { postStart: { tcpSocket: { host: 'a.local', port: 1 } } } })],
    });

    expect(sut(pod, 'baseline', 'v1.34').forbiddenDetail).toBe(
      'probe or lifecycle host (containers "alpha", "beta", "zeta" use probe or lifecycle hosts "10.0.0.1", "a.local", "example.com")',
    );
  });

  it('uses the singular for one container and one distinct host', () => {
    const pod = createPod({
      containers: [
        createContainer('app', {
          livenessProbe: { httpGet: { host: '127.0.0.1', port: 8080 } },
          startupProbe: { tcpSocket: { host: '127.0.0.1', port: 8080 } },
        }),
      ],
    });

    expect(sut(pod, 'baseline', 'latest').forbiddenDetail).toBe(
      'probe or lifecycle host (container "app" uses probe or lifecycle host "127.0.0.1")',
    );
  });

  it('allows an empty host and does not run before v1.34', () => {
    const emptyHost = createPod({ containers: [createContainer('app', { livenessProbe: { httpGet: { host: '', port: 80 } } })] });
    const someHost = createPod({ containers: [createContainer('app', { livenessProbe: { httpGet: { host: 'h', port: 80 } } })] });

    expect(sut(emptyHost, 'baseline', 'latest').allowed).toBe(true);
    expect(sut(someHost, 'baseline', 'v1.33').allowed).toBe(true);
    expect(sut(someHost, 'baseline', 'v1.34').allowed).toBe(false);
  });
});
