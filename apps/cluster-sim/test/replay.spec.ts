import { afterEach, describe, expect, it } from '@jest/globals';

import { BARE_POD_LIFETIME_STEPS, startClusterSimulator, type ClusterSimulator, type HistoryStep } from '../src/index.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-23T00:00:00Z');

describe('cluster-sim: replaying history', () => {
  const running: ClusterSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.stop()));
  });

  async function replayDay(seed: number): Promise<{ sim: ClusterSimulator; steps: HistoryStep[]; snapshots: string[] }> {
    const sim = await startClusterSimulator({ seed, namespaces: 12, pods: 120, startTime: new Date(START).toISOString() });
    running.push(sim);
    const steps: HistoryStep[] = [];
    const snapshots: string[] = [];
    await sim.replay({
      stepMs: HOUR,
      until: () => START + 24 * HOUR + 30 * 60_000,
      onStep: (step) => {
        steps.push(step);
        snapshots.push(JSON.stringify(sim.snapshot().counts));
        return Promise.resolve();
      },
    });
    return { sim, steps, snapshots };
  }

  it('runs one step per stepMs, hands each its audit events, and ends the clock at until()', async () => {
    const { sim, steps } = await replayDay(11);
    expect(steps.map((s) => s.at)).toEqual(Array.from({ length: 24 }, (_, i) => START + (i + 1) * HOUR));
    expect(steps.every((s) => s.changes.length > 0)).toBe(true);
    const events = steps.flatMap((s) => s.auditEvents);
    expect(events.length).toBeGreaterThan(0);
    // Audit events carry the simulated time of the step that made them.
    for (const step of steps) {
      for (const event of step.auditEvents) {
        const time = Date.parse(event.requestReceivedTimestamp);
        expect(time).toBeGreaterThan(step.at - HOUR);
        expect(time).toBeLessThanOrEqual(step.at);
      }
    }
    // Nothing is left for the webhook: replayed events were handed over, not queued.
    expect(sim.stats().auditPending).toBe(0);
    // The clock ends at until(), with no step run for the last half hour.
    const after = await sim.advance(0);
    expect(after.steps).toBe(0);
    expect(sim.snapshot().objects.namespaces.length).toBeGreaterThan(0);
  });

  it('deletes the pods the special cases create by hand after BARE_POD_LIFETIME_STEPS steps, so they do not pile up', async () => {
    const { sim, steps } = await replayDay(3);
    const cleanups = steps.flatMap((s) => s.changes).filter((c) => c.kind === 'cleanup');
    expect(cleanups.length).toBeGreaterThan(5);
    const end = START + 24 * HOUR;
    const handMade = sim.snapshot().objects.pods.filter((p) => /^(denied|impersonated|webhook-prefixed|unparseable|exempt)-/.test(p.metadata.name));
    expect(handMade.length).toBeGreaterThan(0);
    for (const pod of handMade) expect(Date.parse(pod.metadata.creationTimestamp)).toBeGreaterThan(end - BARE_POD_LIFETIME_STEPS * HOUR);
  });

  it('is deterministic: the same seed and start time replay the same history', async () => {
    const a = await replayDay(5);
    const b = await replayDay(5);
    expect(b.steps.map((s) => s.changes)).toEqual(a.steps.map((s) => s.changes));
    expect(b.snapshots).toEqual(a.snapshots);
    expect(JSON.stringify(b.sim.snapshot().objects.deployments)).toBe(JSON.stringify(a.sim.snapshot().objects.deployments));
  });

  it('refuses a step under a second', async () => {
    const sim = await startClusterSimulator({ seed: 1, namespaces: 3, pods: 10 });
    running.push(sim);
    await expect(sim.replay({ stepMs: 10, until: () => Date.now(), onStep: () => Promise.resolve() })).rejects.toThrow('stepMs must be an integer >= 1000');
  });
});
