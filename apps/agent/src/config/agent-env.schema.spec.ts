import { describe, expect, it } from '@jest/globals';

import { ConfigError, parseAgentEnv, splitListen } from './agent-env.schema.js';

const noFile = () => {
  throw new Error('ENOENT: no such file');
};
const minimal = { RATCHET_API_URL: 'https://ratchet.example.com', RATCHET_CLUSTER_NAME: 'prod', RATCHET_AGENT_TOKEN_FILE: '/etc/ratchet/token/token' };

describe('parseAgentEnv', () => {
  it('reads the token from the mounted Secret file and applies defaults', () => {
    const sut = parseAgentEnv(minimal, () => 'rat_agent_0123456789\n');
    expect(sut).toMatchObject({ token: 'rat_agent_0123456789', RATCHET_RESYNC_INTERVAL_SECONDS: 3600, RATCHET_HEALTH_LISTEN: ':8080', RATCHET_HEARTBEAT_INTERVAL_SECONDS: 30 });
  });

  it('names every bad variable, and never prints the token', () => {
    const attempt = () =>
      parseAgentEnv({ RATCHET_API_URL: 'ftp://x', RATCHET_AGENT_TOKEN: 'secret-token-value', RATCHET_SPOOL_MAX_BYTES: '12' }, noFile);
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    for (const name of ['RATCHET_API_URL', 'RATCHET_CLUSTER_NAME', 'RATCHET_SPOOL_MAX_BYTES']) expect(message).toContain(name);
    expect(message).not.toContain('secret-token-value');
  });

  it('wants the webhook TLS certificate and key together', () => {
    expect(() => parseAgentEnv({ ...minimal, RATCHET_AUDIT_WEBHOOK_TLS_CERT_FILE: '/tls.crt' }, () => 'rat_agent_0123456789')).toThrow(/RATCHET_AUDIT_WEBHOOK_TLS_KEY_FILE/);
  });

  it('checks the PodSecurityConfiguration at boot, naming the bad field', () => {
    // Missing defaults are filled as PSA fills them (privileged, latest); a wrong one is refused by name.
    const psa = JSON.stringify({ defaults: { enforce: 'baseline', 'enforce-version': 'v1.x' }, exemptions: { usernames: [], runtimeClasses: [], namespaces: [] } });
    expect(() => parseAgentEnv({ ...minimal, RATCHET_PSA_CONFIGURATION: psa }, () => 'rat_agent_0123456789')).toThrow(/RATCHET_PSA_CONFIGURATION is invalid: defaults\.enforce-version/);
  });

  it('fails clearly when the token file cannot be read', () => {
    expect(() => parseAgentEnv(minimal, noFile)).toThrow(/RATCHET_AGENT_TOKEN_FILE cannot be read: ENOENT/);
  });

  it('splits listen addresses', () => {
    expect(splitListen(':8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(splitListen('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
  });
});
