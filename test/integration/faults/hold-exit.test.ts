import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The process ends inside a training stage while the embedded store holds batches: the exit settle
// indexes them, and the invariant holds in the stats the process sees last.

const child = fileURLToPath(new URL('../../fixtures/faults/hold-exit-child.ts', import.meta.url));
interface Line {
  tag: string;
  captured: number;
  sent: number;
  journaled: number;
  deadLettered: number;
  dropped: number;
  held: number;
}

function run(ending: 'exit' | 'throw'): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, PROVML_HOLD_ENDING: ending }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line), stderr });
    });
  });
}

describe('the process ends while the embedded store holds batches', () => {
  it.each(['exit', 'throw'] as const)('by %s inside the training stage: nothing dropped, nothing left held', async (ending) => {
    const { code, lines, stderr } = await run(ending);
    expect(code, stderr).toBe(ending === 'exit' ? 0 : 1);
    const held = lines.find((l) => l.tag === 'held')!;
    expect(held.held, 'the store held batches when the process ended').toBeGreaterThan(0);
    const last = lines.find((l) => l.tag === 'exit')!;
    expect(last.captured).toBeGreaterThanOrEqual(held.captured);
    expect(last.sent + last.journaled + last.deadLettered + last.dropped).toBe(last.captured);
    expect(last).toMatchObject({ dropped: 0, deadLettered: 0, held: 0 });
  });
});
