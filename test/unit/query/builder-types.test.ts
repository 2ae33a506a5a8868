/**
 * The builders are typed from the ontology: wrong class, field or value types are compile errors
 * (checked by `tsc --noEmit`, which covers test/), and rows have the types a user reads. Each
 * `@ts-expect-error` line is also run, to show JavaScript callers get a TypeError instead.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BatchExecution, EpochExecution, IterationExecution } from '../../../src/model.js';
import { avg, count, max, min, query, sum, type Instance, type Row, type SubclassOf } from '../../../src/query/index.js';

describe('compile-time checks', () => {
  it('rejects unknown classes and fields, wrong value types and wrong link targets', () => {
    // @ts-expect-error not a generated class
    expect(() => query('EpochExecutionX')).toThrow(TypeError);
    const q = query('BatchExecution');
    // @ts-expect-error no such field
    expect(() => q.root.get('iterationIndx')).toThrow(TypeError);
    // @ts-expect-error a number field compared with a string
    expect(() => q.root.get('durationMs').eq('100')).toThrow(TypeError);
    // @ts-expect-error a date field compared with a string
    expect(() => q.root.get('startedAtTime').gte('2025-01-01')).toThrow(TypeError);
    // @ts-expect-error between() of strings on a number field
    expect(() => q.root.get('iterationIndex').between('1', '2')).toThrow(TypeError);
    // @ts-expect-error ordering operators are for value fields, not links
    expect(q.root.get('partOf').lt).toBeUndefined();
    // @ts-expect-error out() follows links only
    expect(() => q.root.out('durationMs')).toThrow(TypeError);
    // @ts-expect-error Persona is not an Activity
    expect(() => q.root.out('partOf', 'Persona')).toThrow(TypeError);
    // @ts-expect-error wasInfluencedBy has no single range: name the class
    expect(() => q.root.out('wasInfluencedBy')).toThrow(TypeError);
    // @ts-expect-error ModelEvaluation.evaluatesModel points at models, never at a batch
    expect(() => q.root.in('ModelEvaluation', 'evaluatesModel')).toThrow(TypeError);
    // @ts-expect-error sum() of a date field
    expect(() => sum(q.root.get('startedAtTime'))).toThrow(/numeric/);
    const s = q.select({ ms: q.root.get('durationMs') });
    // @ts-expect-error orderBy() takes a selected name
    expect(() => s.orderBy('durationMs')).toThrow(TypeError);
  });
});

describe('row and instance types', () => {
  it('types rows: required fields plain, selected-only fields | undefined, nodes as IRIs, aggregates', () => {
    const q = query('BatchExecution');
    const epoch = q.root.out('partOf', 'EpochExecution');
    const r = q
      .where(q.root.get('status').eq('completed'))
      .groupBy(epoch.get('iterationIndex'), epoch, q.root.get('status'))
      .select({
        epoch: epoch.get('iterationIndex'),
        node: epoch,
        status: q.root.get('status'),
        n: count(q.root),
        mean: avg(q.root.get('durationMs')),
        first: min(q.root.get('startedAtTime')),
        last: max(q.root.get('endedAtTime')),
      });
    type R = Awaited<ReturnType<typeof r.run>>[number];
    expectTypeOf<R>().toEqualTypeOf<{
      epoch: number;
      node: string;
      status: string;
      n: number;
      mean: number | undefined;
      first: Date | undefined;
      last: Date | undefined;
    }>();

    const plain = query('EpochExecution');
    const p = plain.select({ i: plain.root.get('iterationIndex'), at: plain.root.get('startedAtTime'), ok: plain.root.get('status') });
    expectTypeOf<Awaited<ReturnType<typeof p.run>>[number]>().toEqualTypeOf<{ i: number | undefined; at: Date | undefined; ok: string | undefined }>();

    const v = query('ModelEvaluation');
    const w = v.where(v.root.get('hasValue').lt(1)).select({ value: v.root.get('hasValue'), model: v.root.get('evaluatesModel') });
    expectTypeOf<Row<{ value: ReturnType<typeof v.root.get<'hasValue'>> }, '$.hasValue'>>().toEqualTypeOf<{ value: string | number | boolean }>();
    expectTypeOf<Row<{ value: ReturnType<typeof v.root.get<'hasValue'>> }, never>>().toEqualTypeOf<{ value: string | number | boolean | undefined }>();
    expectTypeOf<Awaited<ReturnType<typeof w.run>>[number]>().toEqualTypeOf<{ value: string | number | boolean; model: string | undefined }>();
  });

  it('types instances and follows by class, subclasses included', () => {
    expectTypeOf<Instance<'EpochExecution'>>().toEqualTypeOf<EpochExecution>();
    expectTypeOf<Awaited<ReturnType<ReturnType<typeof query<'IterationExecution'>>['instances']>>>().toEqualTypeOf<IterationExecution[]>();
    expectTypeOf<'EpochExecution' | 'BatchExecution' | 'IterationExecution'>().toEqualTypeOf<SubclassOf<'IterationExecution'>>();
    const b = query('EpochExecution').root.in('BatchExecution', 'partOf');
    expectTypeOf(b.className).toEqualTypeOf<'BatchExecution'>();
    const env = query('WorkflowExecution').root.out('executedIn');
    expectTypeOf(env.className).toEqualTypeOf<'Environment'>();
    expectTypeOf<ReturnType<typeof env.get<'cpuCount'>>['valueType']>().toEqualTypeOf<number | undefined>();
    const batch: BatchExecution | undefined = undefined;
    expect(batch).toBeUndefined();
  });
});
