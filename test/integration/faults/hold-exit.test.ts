import { describe, expect, it } from 'vitest';
import { startHoldExitChild } from './harness.js';

// The process ends inside a training stage while the embedded store holds batches: the exit settle
// indexes them, and the invariant holds in the stats the process sees last.

interface Line {
  tag: string;
  captured: number;
  sent: number;
  journaled: number;
  deadLettered: number;
  dropped: number;
  held: number;
}

describe('the process ends while the embedded store holds batches', () => {
  it.each(['exit', 'throw'] as const)('by %s inside the training stage: nothing dropped, nothing left held', async (ending) => {
    const { code, stderr, lines } = await startHoldExitChild(ending).exited;
    expect(code, stderr).toBe(ending === 'exit' ? 0 : 1);
    const held = lines.find((l) => l.tag === 'held') as unknown as Line;
    expect(held.held, 'the store held batches when the process ended').toBeGreaterThan(0);
    const last = lines.find((l) => l.tag === 'exit') as unknown as Line;
    expect(last.captured).toBeGreaterThanOrEqual(held.captured);
    expect(last.sent + last.journaled + last.deadLettered + last.dropped).toBe(last.captured);
    expect(last).toMatchObject({ dropped: 0, deadLettered: 0, held: 0 });
  });
});
