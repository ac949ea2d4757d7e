import { describe, expect, it } from '@jest/globals';

import * as sim from '@ratchet/cluster-sim';

// Other apps' tests (the agent's) import the simulator by its package name.
describe('@ratchet/cluster-sim package entry', () => {
  it('exports the programmatic API', () => {
    expect(typeof sim.startClusterSimulator).toBe('function');
    expect(sim.SPECIAL_CASES).toContain('unparseable');
  });
});
