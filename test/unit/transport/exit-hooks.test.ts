import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../../src/transport/journal.js';
import { Transport } from '../../../src/transport/pipeline.js';
import { TestSink, fakeRecorder, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const counts = () => ['beforeExit', 'SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));

describe('process exit hooks', () => {
  it('are shared by trackers, optional, and removed on shutdown', async () => {
    const before = counts();
    const none = new Transport({ recorder: fakeRecorder, sink: new TestSink(), installExitHooks: false });
    expect(counts()).toEqual(before);
    const a = new Transport({ recorder: fakeRecorder, sink: new TestSink() });
    const b = new Transport({ recorder: fakeRecorder, sink: new TestSink() });
    expect(counts()).toEqual(before.map((n) => n + 1)); // one listener each, for all trackers
    await a.shutdown();
    expect(counts()).toEqual(before.map((n) => n + 1));
    await b.shutdown();
    await none.shutdown();
    expect(counts()).toEqual(before);
  });

  async function runChild(body: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    const script = join(dir, 'child.ts');
    const root = resolve(import.meta.dirname, '../../..');
    await writeFile(
      script,
      `import { Transport } from ${JSON.stringify(join(root, 'src/transport/pipeline.ts'))};
import { fakeRecorder, start } from ${JSON.stringify(join(root, 'test/unit/transport/helpers.ts'))};
const journal = { path: ${JSON.stringify(join(dir, 'j.nq'))} };
${body}`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((res) => child.on('exit', (code, signal) => res({ code, signal, stderr })));
  }

  async function journaledEvents(): Promise<number> {
    let n = 0;
    for await (const b of readJournal(join(dir, 'j.nq'))) n += b.events;
    return n;
  }

  it('SIGTERM flushes, then the process still dies of SIGTERM', async () => {
    const r = await runChild(`
const t = new Transport({ recorder: fakeRecorder, mode: 'offline', journal, flushIntervalMs: 60000 });
for (let i = 0; i < 42; i++) t.emit(start(i));
setInterval(() => {}, 1000); // an app that would run forever
process.kill(process.pid, 'SIGTERM');
`);
    expect(r.stderr).toBe('');
    expect(r.signal).toBe('SIGTERM');
    expect(await journaledEvents()).toBe(42);
  }, 30_000);

  it('beforeExit flushes a script that just ends', async () => {
    const r = await runChild(`
const t = new Transport({ recorder: fakeRecorder, mode: 'offline', journal, flushIntervalMs: 60000 });
for (let i = 0; i < 17; i++) t.emit(start(i));
`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await journaledEvents()).toBe(17);
  }, 30_000);

  it("with the application's own SIGINT listener, we flush but do not kill", async () => {
    const r = await runChild(`
const t = new Transport({ recorder: fakeRecorder, mode: 'offline', journal, flushIntervalMs: 60000 });
for (let i = 0; i < 5; i++) t.emit(start(i));
const keep = setInterval(() => {}, 1000);
process.on('SIGINT', () => setTimeout(() => { clearInterval(keep); process.exitCode = 7; }, 200));
process.kill(process.pid, 'SIGINT');
`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(7);
    expect(await journaledEvents()).toBe(5);
  }, 30_000);
});
