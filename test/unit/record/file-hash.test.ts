/**
 * File checksums (src/record/files.ts): what `sha256sum` prints, computed without holding the
 * event loop (a `thread: 'main'` tracker hashes on the user's thread), and re-computed when a file
 * is rewritten faster than its modification time can show.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileInspector, sha256File } from '../../../src/record/files.js';

const run = promisify(execFile);

async function sha256sum(path: string): Promise<string> {
  const { stdout } = await run('sha256sum', [path]);
  return stdout.split(' ')[0]!;
}

/**
 * Milliseconds the main thread has spent on a CPU (Linux schedstat); elsewhere the wall clock, so
 * the bound then also counts time the thread waited for a CPU.
 */
function cpuClock(): () => number {
  const file = `/proc/self/task/${process.pid}/schedstat`;
  try {
    readFileSync(file, 'utf8');
  } catch {
    return () => performance.now();
  }
  return () => Number(readFileSync(file, 'utf8').split(' ')[0]) / 1e6;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-hash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file checksums', () => {
  it('hashes a 1 GB file without blocking the event loop for more than 50 ms at a time, as sha256sum does', async () => {
    const path = join(dir, 'big.bin');
    const handle = await open(path, 'w');
    await handle.truncate(1_000_000_000); // sparse: no disk blocks, every byte reads as 0
    await handle.close();

    // A 10 ms probe. Blocking is what the event-loop thread *ran* between two ticks: with two
    // shared cores, a gap may also be time the thread waited for a CPU, which no code can avoid;
    // Linux's schedstat tells the two apart (on-CPU ns, run-queue ns) for the main thread.
    const onCpu = cpuClock();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let last = performance.now();
    let lastCpu = onCpu();
    let longestGap = 0;
    let longestRun = 0;
    const probe = setInterval(() => {
      const now = performance.now();
      const cpu = onCpu();
      longestGap = Math.max(longestGap, now - last);
      longestRun = Math.max(longestRun, cpu - lastCpu);
      last = now;
      lastCpu = cpu;
    }, 10);
    delay.enable();
    const started = performance.now();
    const facts = await new FileInspector().inspect(path);
    const elapsed = performance.now() - started;
    delay.disable();
    clearInterval(probe);

    expect(facts.byteSize).toBe(1_000_000_000);
    expect(facts.checksumAlgorithm).toBe('sha256');
    const seen = `hashing took ${elapsed.toFixed(0)} ms; longest gap between ticks ${longestGap.toFixed(1)} ms (event-loop delay histogram max ${(delay.max / 1e6).toFixed(1)} ms), longest run of the thread between ticks ${longestRun.toFixed(1)} ms`;
    expect(longestRun, seen).toBeLessThan(50);
    expect(facts.checksum).toBe(await sha256sum(path));
  }, 120_000);

  it('equals sha256sum on ordinary content, empty files included', async () => {
    for (const [name, content] of [['empty', ''], ['text.csv', 'x,y\n1,2\n'], ['chunks.bin', Buffer.alloc(200_000, 7)]] as const) {
      const path = join(dir, name);
      await writeFile(path, content);
      expect(await sha256File(path), name).toBe(await sha256sum(path));
    }
  });

  it('sees a same-size rewrite that kept the modification time (recent files are not trusted to the cache)', async () => {
    const path = join(dir, 'racy.txt');
    const inspector = new FileInspector();
    await writeFile(path, 'AAAA');
    const { mtime } = await stat(path);
    const first = await inspector.inspect(path);
    await writeFile(path, 'BBBB');
    await utimes(path, mtime, mtime); // what a coarse timestamp clock does to a quick rewrite
    const second = await inspector.inspect(path);
    expect(second.checksum).toBe(await sha256sum(path));
    expect(second.checksum).not.toBe(first.checksum);
  });

  it('hashes a file modified long ago once per (size, mtime)', async () => {
    const path = join(dir, 'old.txt');
    const inspector = new FileInspector();
    const old = new Date(Date.now() - 3_600_000);
    await writeFile(path, 'CCCC');
    await utimes(path, old, old);
    const first = await inspector.inspect(path);
    await writeFile(path, 'DDDD');
    await utimes(path, old, old); // same size, same mtime: the cache answers (as git's index would)
    expect((await inspector.inspect(path)).checksum).toBe(first.checksum);
    await utimes(path, new Date(), new Date());
    expect((await inspector.inspect(path)).checksum).toBe(await sha256sum(path));
  });
});
