import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVML_NS } from '../../../src/generated/vocab.js';
import { tempDir } from '../faults/harness.js';
import { startTaggedChild, within } from '../faults/tagged-child.js';
import { tf } from './helpers.js';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

// The TF.js callback holds ended batches to write them a group at a time. A process that ends in
// the middle of a fit — process.exit(), an uncaught exception, SIGTERM — must still record every
// batch that ended: provml's exit path releases the held group before it settles (offline mode:
// everything goes to the journal, which is then read back).
describe.skipIf(tf === undefined)('provml/tfjs: batches held in a group when the process ends', () => {
  for (const ending of ['exit', 'throw', 'sigterm'] as const) {
    it(`are in the journal after ${ending === 'exit' ? 'process.exit()' : ending === 'throw' ? 'an uncaught exception' : 'SIGTERM'}`, { timeout: 120_000 }, async () => {
      const t = await tempDir();
      try {
        const journal = join(t.dir, 'journal.nq');
        const child = startTaggedChild('tfjs-exit-child.ts', { PROVML_TFJS_EXIT_CHILD: JSON.stringify({ journal, ending }), TMPDIR: t.dir });
        const ended = await child.line('PROVML_ENDED', 90_000);
        if (ending === 'sigterm') {
          await child.line('PROVML_READY', 10_000);
          child.proc.kill('SIGTERM');
        }
        const exit = await within(child.exited, 60_000);
        child.kill();
        expect(exit, 'the child did not end').toBeDefined();
        const stats = exit!.lines.find((l) => l.tag === 'PROVML_EXIT')?.data as { captured: number; sent: number; journaled: number; deadLettered: number; dropped: number } | undefined;
        expect(stats, exit!.stderr.slice(-2000)).toBeDefined();
        expect(stats!.captured).toBe(stats!.journaled + stats!.dropped + stats!.deadLettered + stats!.sent);
        expect(stats!.dropped).toBe(0);
        // 16 batches of epoch 0, then epoch 1's batches 0–5: every one is a BatchExecution in the journal.
        expect(ended.data.batches).toBe(22);
        const nq = await readFile(journal, 'utf8');
        const batches = nq.split('\n').filter((l) => l.includes(`<${RDF_TYPE}> <${PROVML_NS}BatchExecution>`));
        expect(batches).toHaveLength(22);
      } finally {
        await t.cleanup();
      }
    });
  }
});
