import type { CaptureEvent } from '../capture/events.js';
import type { BatchRecorder, RecorderOutput } from './options.js';
import { createQuadBatch, type QuadBatch } from './sink.js';

/**
 * What {@link recordBatches} needs from its transport: the recorder, the batch size, sequence
 * numbers, and where to count recorded and failed events.
 *
 * @example
 * ```ts
 * let seq = 0;
 * const hooks: RecordHooks = { recorder, batchSize: 512, nextSeq: () => ++seq, recorded() {}, failed: (e) => console.warn(e) };
 * ```
 */
export interface RecordHooks {
  recorder: BatchRecorder;
  batchSize: number;
  nextSeq(): number;
  recorded(events: number): void;
  failed(error: unknown, events: number): void;
}

/**
 * Events → batches of at most `batchSize` events, in order, one recorder call at a time.
 * Synchronous while the recorder is; a recorder failure drops (and reports) that slice only.
 *
 * @example
 * ```ts
 * const batches = await recordBatches(hooks, events);
 * ```
 */
export function recordBatches(h: RecordHooks, events: readonly CaptureEvent[]): QuadBatch[] | Promise<QuadBatch[]> {
  const bs = h.batchSize;
  const out: QuadBatch[] = [];
  for (let i = 0; i < events.length; i += bs) {
    const slice = events.length <= bs ? events : events.slice(i, i + bs);
    try {
      const r = h.recorder(slice);
      if (r instanceof Promise) return recordRest(h, events, i, r, out);
      accept(h, slice.length, r, out);
    } catch (err) {
      h.failed(err, slice.length);
    }
  }
  return out;
}

async function recordRest(
  h: RecordHooks,
  events: readonly CaptureEvent[],
  i: number,
  pending: Promise<RecorderOutput>,
  out: QuadBatch[],
): Promise<QuadBatch[]> {
  const bs = h.batchSize;
  for (;;) {
    const n = Math.min(bs, events.length - i);
    try {
      accept(h, n, await pending, out);
    } catch (err) {
      h.failed(err, n);
    }
    i += bs;
    if (i >= events.length) return out;
    try {
      pending = Promise.resolve(h.recorder(events.slice(i, i + bs)));
    } catch (err) {
      pending = Promise.reject(err);
    }
  }
}

function accept(h: RecordHooks, n: number, recorded: RecorderOutput, out: QuadBatch[]): void {
  if (Array.isArray(recorded)) out.push(createQuadBatch({ seq: h.nextSeq(), events: n, quads: recorded }));
  else if (recorded && typeof recorded.nquads === 'string' && Number.isInteger(recorded.count)) {
    out.push(createQuadBatch({ seq: h.nextSeq(), events: n, nquads: recorded.nquads, size: recorded.count }));
  } else throw new TypeError('recorder returned neither quads nor { nquads, count }');
  h.recorded(n);
}
