/**
 * What a user of the typed query builders sees, asserted once per endpoint: the embedded store,
 * `provml serve` over HTTP, Virtuoso. builder.test.ts registers it per target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchExecution, EpochExecution, LearningDatasetReferenceValue, ModelReferenceValue } from '../../../src/model.js';
import { and, avg, type Condition, count, countDistinct, max, min, not, or, query, sum } from '../../../src/query/index.js';
import type { SparqlEndpoint } from '../../../src/store/endpoint.js';
import { R, close, type BuilderData } from './builder-data.js';

export interface BuilderTarget {
  name: string;
  /** Load `nquads` into a fresh endpoint and return it. */
  setup(nquads: string): Promise<{ endpoint: SparqlEndpoint; teardown?: () => Promise<void> }>;
  /** Significant digits of xsd:double results (Virtuoso writes 6); exact when undefined. */
  doubleDigits?: number;
}

const FROM = new Date('2025-03-14T09:00:00Z');
const TO = new Date('2025-03-14T09:10:00Z');

export function builderSuite(target: BuilderTarget, data: () => BuilderData): void {
  describe(`typed query builders on ${target.name}`, () => {
    let ep: SparqlEndpoint;
    let teardown: (() => Promise<void>) | undefined;
    const digits = target.doubleDigits;

    beforeAll(async () => {
      const s = await target.setup(data().nquads);
      ep = s.endpoint;
      teardown = s.teardown;
    }, 60_000);
    afterAll(async () => teardown?.());

    /** Batches of the fixture run (pinned through epoch → training stage). */
    function fixtureBatches() {
      const q = query('BatchExecution');
      const epoch = q.root.out('partOf', 'EpochExecution');
      epoch.out('partOf', 'LearningStageExecution').is(`${R}train`);
      return { q, epoch, dur: q.root.get('durationMs'), started: q.root.get('startedAtTime') };
    }
    const batchIris = (rows: { batch: string }[]) => rows.map((r) => r.batch.slice(R.length));

    it('filters with eq and between; reads values back typed; only-selected fields are optional', async () => {
      const { q, epoch, dur, started } = fixtureBatches();
      const rows = await q
        .where(q.root.get('status').eq('completed'), dur.between(66000, 67000))
        .select({ batch: q.root, ms: dur, started, epoch: epoch.get('iterationIndex'), name: q.root.get('name') })
        .orderBy('ms')
        .run(ep);
      expect(rows).toEqual([
        { batch: `${R}epoch-0-batch-0`, ms: 66240, started: new Date('2025-03-14T09:00:32.010Z'), epoch: 0, name: undefined },
        { batch: `${R}epoch-1-batch-0`, ms: 66690, started: new Date('2025-03-14T09:02:45.610Z'), epoch: 1, name: undefined },
      ]);
      expect(rows[0]!.started).toBeInstanceOf(Date);
    });

    it('compares numbers and dates with lt, lte, gt, gte and ne', async () => {
      const run = async (pick: (b: ReturnType<typeof fixtureBatches>) => Condition) => {
        const b = fixtureBatches();
        return batchIris(await b.q.where(pick(b)).select({ batch: b.q.root }).orderBy('batch').run(ep));
      };
      const at = new Date('2025-03-14T09:02:45.610Z');
      expect(await run((b) => b.started.gte(at))).toEqual(['epoch-1-batch-0', 'epoch-1-batch-1']);
      expect(await run((b) => b.started.gt(at))).toEqual(['epoch-1-batch-1']);
      expect(await run((b) => b.dur.lt(66690))).toEqual(['epoch-0-batch-0']);
      expect(await run((b) => b.dur.lte(66690))).toEqual(['epoch-0-batch-0', 'epoch-1-batch-0']);
      expect(await run((b) => b.q.root.get('iterationIndex').ne(0))).toEqual(['epoch-0-batch-1', 'epoch-1-batch-1']);
      expect(await run((b) => b.started.lte(new Date('2025-03-14T09:00:32.010Z')))).toEqual(['epoch-0-batch-0']);
    });

    it('matches sets with in() and text with regex()', async () => {
      const b = fixtureBatches();
      const n = await b.q.where(b.q.root.get('status').in(['failed', 'completed'])).select({ n: count() }).run(ep);
      expect(n).toEqual([{ n: 4 }]);
      const none = fixtureBatches();
      expect(await none.q.where(none.q.root.get('status').in([])).select({ batch: none.q.root }).run(ep)).toEqual([]);

      const plans = query('DataTransformation');
      plans.root.in('Workflow', 'hasDataTransformation').is('urn:provml:plan:mnist:workflow');
      const names = await plans.where(plans.root.get('name').regex('^TR', 'i')).select({ plan: plans.root, name: plans.root.get('name') }).run(ep);
      expect(names).toEqual([{ plan: 'urn:provml:plan:mnist:train', name: 'train' }]);

      const e = query('Entity'); // 46 accepted types: class + subclasses
      const models = await e.where(e.root.get('storageUrl').regex('^file:///models/')).select({ e: e.root, size: e.root.get('byteSize') }).run(ep);
      expect(models).toEqual([{ e: `${R}model`, size: 3276800 }]);
    });

    it('follows links out and in, and starts from a pinned node', async () => {
      const q = query('EpochExecution');
      q.root.out('partOf', 'LearningStageExecution').is(`${R}train`);
      const ev = q.root.in('ModelEvaluation', 'wasGeneratedBy');
      const losses = await q.select({ epoch: q.root.get('iterationIndex'), loss: ev.get('hasValue') }).orderBy('epoch').run(ep);
      expect(losses).toEqual([
        { epoch: 0, loss: 0.4127 },
        { epoch: 1, loss: 0.1893 },
      ]);

      const m = query('ModelEvaluation');
      m.root.out('evaluatesModel').is(`${R}model`);
      const evals = await m.select({ ev: m.root, value: m.root.get('hasValue'), epoch: m.root.out('wasGeneratedBy', 'EpochExecution').get('iterationIndex') }).run(ep);
      expect(evals).toEqual([{ ev: `${R}epoch-1-loss`, value: 0.1893, epoch: 1 }]);

      const { q: b, epoch } = fixtureBatches();
      const workflow = epoch.out('partOf', 'LearningStageExecution').out('partOf', 'WorkflowExecution').out('executes', 'Workflow');
      const rows = await b.select({ batch: b.root, workflow: workflow.get('name') }).orderBy('batch').run(ep);
      expect(rows.map((r) => r.workflow)).toEqual(['mnist-classifier', 'mnist-classifier', 'mnist-classifier', 'mnist-classifier']);
    });

    it('orders, limits and pages', async () => {
      const q = query('Activity');
      const started = q.root.get('startedAtTime');
      const rows = await q.where(started.between(FROM, TO)).select({ a: q.root, started }).orderBy('started', 'desc').limit(3).offset(1).run(ep);
      expect(rows.map((r) => r.a.slice(R.length))).toEqual(['epoch-1-batch-0', 'epoch-1', 'epoch-0-batch-1']);
      const all = await query('Activity').where(query('Activity').root.get('durationMs').gt(-1)).select({ n: count() }).run(ep).catch((e: Error) => e);
      expect(all).toBeInstanceOf(Error); // a field of another query
    });

    it('aggregates per group (count, countDistinct, sum, avg, min, max) and counts a doubly stored node once', async () => {
      const { q, epoch, dur, started } = fixtureBatches();
      const rows = await q
        .groupBy(epoch.get('iterationIndex'))
        .select({ epoch: epoch.get('iterationIndex'), n: count(q.root), nodes: countDistinct(q.root), total: sum(dur), mean: avg(dur), fastest: min(dur), slowest: max(dur), first: min(started) })
        .orderBy('mean', 'desc')
        .run(ep);
      expect(rows.map((r) => r.epoch)).toEqual([1, 0]);
      const [one, zero] = rows;
      expect(zero).toMatchObject({ epoch: 0, n: 2, nodes: 2, fastest: 66240, slowest: 67140, first: new Date('2025-03-14T09:00:32.010Z') });
      expect(one).toMatchObject({ epoch: 1, n: 2, nodes: 2, fastest: 66690, slowest: 67590, first: new Date('2025-03-14T09:02:45.610Z') });
      expect(close(zero!.total, 133380, digits) && close(zero!.mean, 66690, digits)).toBe(true);
      expect(close(one!.total, 134280, digits) && close(one!.mean, 67140, digits)).toBe(true);

      const byNode = fixtureBatches();
      const perEpoch = await byNode.q.groupBy(byNode.epoch).select({ epoch: byNode.epoch, n: count() }).orderBy('epoch').run(ep);
      expect(perEpoch).toEqual([
        { epoch: `${R}epoch-0`, n: 2 },
        { epoch: `${R}epoch-1`, n: 2 },
      ]);

      const m = query('ModelEvaluation');
      m.root.out('wasGeneratedBy', 'EpochExecution').out('partOf', 'LearningStageExecution').is(`${R}train`);
      const whole = await m.select({ n: count(), best: min(m.root.get('hasValue')), worst: max(m.root.get('hasValue')) }).run(ep);
      expect(whole).toEqual([{ n: 2, best: 0.1893, worst: 0.4127 }]);
    });

    it('tests presence with exists/notExists and combines conditions with or, and, not; distinct rows', async () => {
      const a = () => {
        const q = query('Activity');
        return { q, started: q.root.get('startedAtTime').between(FROM, TO), err: q.root.get('errorMessage') };
      };
      const x = a();
      expect(await x.q.where(x.started, x.err.exists()).select({ a: x.q.root }).run(ep)).toEqual([]);
      const y = a();
      expect(await y.q.where(y.started, y.err.notExists()).select({ n: count() }).run(ep)).toEqual([{ n: 9 }]);

      const pick = async (cond: (b: ReturnType<typeof fixtureBatches>) => Condition) => {
        const b = fixtureBatches();
        return batchIris(await b.q.where(cond(b)).select({ batch: b.q.root }).orderBy('batch').run(ep));
      };
      expect(await pick((b) => or(b.dur.lt(66300), b.dur.gt(67500)))).toEqual(['epoch-0-batch-0', 'epoch-1-batch-1']);
      expect(await pick((b) => not(b.q.root.get('iterationIndex').eq(0)))).toEqual(['epoch-0-batch-1', 'epoch-1-batch-1']);
      expect(await pick((b) => and(b.dur.gt(66000), b.epoch.get('iterationIndex').eq(1), b.dur.lt(67000)))).toEqual(['epoch-1-batch-0']);

      const d = fixtureBatches();
      expect(await d.q.select({ status: d.q.root.get('status') }).distinct().run(ep)).toEqual([{ status: 'completed' }]);
    });

    it('returns generated class instances, subclasses as their own class, in IRI order, paged', async () => {
      const q = query('IterationExecution').where(query('IterationExecution').root.get('durationMs').gt(0));
      await expect(q.instances(ep)).rejects.toThrow(/another query/);

      const it6 = query('IterationExecution');
      const all = await it6.where(it6.root.get('startedAtTime').between(FROM, TO)).instances(ep);
      expect(all.map((i) => i.iri.slice(R.length))).toEqual(['epoch-0', 'epoch-0-batch-0', 'epoch-0-batch-1', 'epoch-1', 'epoch-1-batch-0', 'epoch-1-batch-1']);
      expect(all.map((i) => i.constructor)).toEqual([EpochExecution, BatchExecution, BatchExecution, EpochExecution, BatchExecution, BatchExecution]);
      const b0 = all[1] as BatchExecution;
      expect(b0).toMatchObject({ iterationIndex: 0, durationMs: 66240, status: 'completed', partOf: `${R}epoch-0`, startedAtTime: new Date('2025-03-14T09:00:32.010Z') });

      const page = query('IterationExecution');
      const two = await page.where(page.root.get('startedAtTime').between(FROM, TO)).limit(2).offset(1).instances(ep);
      expect(two.map((i) => i.iri.slice(R.length))).toEqual(['epoch-0-batch-0', 'epoch-0-batch-1']);

      const m = query('DataReferenceValue');
      const [model] = await m.where(m.root.get('storageUrl').regex('^file:///models/')).instances(ep);
      expect(model).toBeInstanceOf(ModelReferenceValue);
      expect(model).toMatchObject({ byteSize: 3276800, checksumAlgorithm: 'sha256', storageUrl: ['file:///models/mnist/model.json'] });
    });

    it('answers questions about a captured training run as the code ran it', async () => {
      const { losses, epochLosses } = data();
      const named = (q: ReturnType<typeof query<'ModelEvaluation'>>) => {
        const batch = q.root.out('wasGeneratedBy', 'BatchExecution');
        const epoch = batch.out('partOf', 'EpochExecution');
        const wf = epoch.out('partOf', 'LearningStageExecution').out('partOf', 'WorkflowExecution').out('executes', 'Workflow');
        return { batch, epoch, where: [wf.get('name').eq('seismic-training'), q.root.out('provmlValueOf', 'EvaluationMeasure').get('name').eq('loss')] as const };
      };
      const q = query('ModelEvaluation');
      const { batch, epoch, where } = named(q);
      const rows = await q.where(...where).select({ e: epoch.get('iterationIndex'), b: batch.get('iterationIndex'), loss: q.root.get('hasValue') }).orderBy('e').orderBy('b').run(ep);
      expect(rows.map((r) => [r.e, r.b])).toEqual([0, 1, 2].flatMap((e) => [0, 1, 2, 3, 4].map((b) => [e, b])));
      rows.forEach((r, i) => expect(close(r.loss as number, losses[i]!, digits), `loss ${i}`).toBe(true));

      const g = query('ModelEvaluation');
      const gq = named(g);
      const perEpoch = await g.where(...gq.where).groupBy(gq.epoch.get('iterationIndex')).select({ e: gq.epoch.get('iterationIndex'), n: count(), mean: avg(g.root.get('hasValue')) }).orderBy('e').run(ep);
      expect(perEpoch.map((r) => [r.e, r.n])).toEqual([[0, 5], [1, 5], [2, 5]]);
      perEpoch.forEach((r, i) => expect(close(r.mean, epochLosses[i]!, digits ?? 12), `epoch ${i}`).toBe(true));

      const f = query('DataTransformationExecution');
      const failed = await f.where(f.root.get('status').eq('failed')).select({ message: f.root.get('errorMessage'), attempt: f.root.out('used', 'ParameterValue').get('hasValue') }).run(ep);
      expect(failed).toEqual([{ message: 'TypeError: tile size must be positive', attempt: 7 }]);

      const csv = query('Entity');
      expect(await csv.where(csv.root.get('mediaType').eq('text/csv')).select({ e: csv.root }).run(ep)).toHaveLength(1); // typed twice, once
      const ds = query('DataReferenceValue');
      const [dataset] = await ds.where(ds.root.get('mediaType').eq('text/csv')).instances(ep);
      expect(dataset).toBeInstanceOf(LearningDatasetReferenceValue);
      expect(dataset!.storageUrl[0]).toMatch(/tiles-64\.csv$/);
    });
  });
}
