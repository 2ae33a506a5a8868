import type { DatasetCore, Literal, NamedNode, Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { Validator } from 'shacl-engine';
import { SH } from './report.js';

/**
 * A workaround for shacl-engine 1.1 comparing the special values of xsd:double / xsd:float.
 *
 * shacl-engine's range constraints (`sh:minInclusive`, `sh:maxInclusive`, `sh:minExclusive`,
 * `sh:maxExclusive`) compare literals through rdf-literal's `fromRdf`, which reads doubles with `parseFloat`: `"INF"` and `"-INF"`
 * come out as NaN, so `"INF"^^xsd:double` "violates" `sh:minInclusive 0` (Jena SHACL agrees that
 * it does not) and `"-INF"` violates `sh:maxInclusive 0`. It also subtracts, so INF compared with
 * INF gives NaN instead of equality.
 *
 * The fix wraps those four constraint components (handed to shacl-engine through its
 * `validations` option, so node_modules stays untouched): when the value or the bound is a
 * special double/float (`INF`, `+INF`, `-INF`, `NaN`) and the other side is numeric, provml
 * compares the two numbers itself — NaN is unordered, so every comparison with it is false and
 * a NaN *violates* every range constraint (SHACL: the constraint holds only if the comparison
 * is true). Every other comparison still runs shacl-engine's own code, unchanged, with the same
 * results and messages.
 *
 * `sh:lessThan` / `sh:lessThanOrEquals` share shacl-engine's comparison but are left alone:
 * provml's shapes use them on dateTimes only, and fixing them would mean re-implementing
 * shacl-engine's comparison of every other kind of literal.
 *
 * Remove this module when shacl-engine compares these values itself (the test
 * "special doubles" in test/unit/validate/numeric.test.ts then passes without it).
 */

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const FLOATING = new Set([`${XSD}double`, `${XSD}float`]);
const NUMERIC = new Set([
  ...FLOATING,
  ...[
    'decimal', 'integer', 'long', 'int', 'short', 'byte', 'nonNegativeInteger', 'positiveInteger', 'nonPositiveInteger',
    'negativeInteger', 'unsignedLong', 'unsignedInt', 'unsignedShort', 'unsignedByte',
  ].map((t) => XSD + t),
]);
const SPECIAL = new Map<string, number>([
  ['INF', Number.POSITIVE_INFINITY],
  ['+INF', Number.POSITIVE_INFINITY],
  ['-INF', Number.NEGATIVE_INFINITY],
  ['NaN', Number.NaN],
]);

const asLiteral = (t: Term | undefined): Literal | undefined => (t?.termType === 'Literal' ? t : undefined);

/** The special value of an xsd:double / xsd:float literal (`INF`, `+INF`, `-INF`, `NaN`), else undefined. */
function specialValue(t: Literal): number | undefined {
  return FLOATING.has(t.datatype.value) ? SPECIAL.get(t.value.trim()) : undefined;
}

/** The number a numeric literal stands for (NaN when it is not numeric or not well-formed). */
function numberOf(t: Literal): number {
  const special = specialValue(t);
  if (special !== undefined) return special;
  const s = t.value.trim();
  return NUMERIC.has(t.datatype.value) && s !== '' ? Number(s) : Number.NaN;
}

/**
 * The order of two terms when one of them is a special double/float and the other is numeric:
 * -1, 0 or 1, or NaN when they are unordered (a NaN is involved). `undefined` when this case does
 * not apply: shacl-engine's own comparison decides then.
 *
 * @example
 * ```ts
 * compareSpecial(literal('INF', xsdDouble), literal('0', xsdInteger)); // 1
 * compareSpecial(literal('NaN', xsdDouble), literal('0', xsdInteger)); // NaN
 * compareSpecial(literal('1', xsdDouble), literal('0', xsdInteger));   // undefined
 * ```
 */
export function compareSpecial(a: Term | undefined, b: Term | undefined): number | undefined {
  const la = asLiteral(a);
  const lb = asLiteral(b);
  if (!la || !lb || !NUMERIC.has(la.datatype.value) || !NUMERIC.has(lb.datatype.value)) return undefined;
  if (specialValue(la) === undefined && specialValue(lb) === undefined) return undefined;
  const x = numberOf(la);
  const y = numberOf(lb);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

// The parts of shacl-engine's (untyped) internals the wrappers touch.
interface EnginePointer {
  term: Term | undefined;
  out(predicates: Term[]): EnginePointer;
}
interface EngineContext {
  factory: { literal(value: string): Literal };
  valueOrNode: EnginePointer;
  test(ok: boolean, component: NamedNode, details: EngineDetails): void;
}
interface EngineDetails {
  args: Record<string, Term | undefined>;
  message: Literal[];
  value: EnginePointer;
}
type EngineValidation = (context: EngineContext) => void;
interface EngineCompiled {
  generic?: EngineValidation;
  [kind: string]: EngineValidation | undefined;
}
type EngineCompile = (shape: { ptr: EnginePointer }) => EngineCompiled | undefined;
interface EngineRegistry {
  validations: { get(term: Term): EngineCompile | undefined };
}

const sh = (name: string): NamedNode => DataFactory.namedNode(SH + name);

/** Range constraints: parameter, the test on the comparison of value with bound, shacl-engine's message. */
const RANGES: ReadonlyArray<readonly [name: string, ok: (c: number) => boolean, message: string]> = [
  ['minInclusive', (c) => c >= 0, 'Value is not greater than or equal to {$minInclusive}'],
  ['minExclusive', (c) => c > 0, 'Value is not greater than {$minExclusive}'],
  ['maxInclusive', (c) => c <= 0, 'Value is not less than or equal to {$maxInclusive}'],
  ['maxExclusive', (c) => c < 0, 'Value is not less than {$maxExclusive}'],
];
const capitalized = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;

function wrapRange(original: EngineCompile, name: string, ok: (c: number) => boolean, message: string): EngineCompile {
  const parameter = sh(name);
  const component = sh(`${capitalized(name)}ConstraintComponent`);
  return (shape) => {
    const compiled = original(shape);
    const inner = compiled?.generic;
    if (!compiled || !inner) return compiled;
    const bound = shape.ptr.out([parameter]).term;
    return {
      ...compiled,
      generic: (context) => {
        const c = compareSpecial(context.valueOrNode.term, bound);
        if (c === undefined) {
          inner(context);
          return;
        }
        context.test(ok(c), component, { args: { [name]: bound }, message: [context.factory.literal(message)], value: context.valueOrNode });
      },
    };
  };
}

let patched: Map<NamedNode, EngineCompile> | undefined;

/**
 * The `validations` option that makes shacl-engine compare special doubles correctly (see the
 * module comment): shacl-engine's own range constraint components, wrapped. Empty when
 * this shacl-engine does not expose them the way 1.1 does (the workaround then stays off).
 *
 * @example
 * ```ts
 * const validator = new Validator(shapes, { factory: rdf, validations: specialDoubleValidations(rdf) });
 * ```
 */
export function specialDoubleValidations(factory: ConstructorParameters<typeof Validator>[1]['factory']): Map<NamedNode, EngineCompile> {
  if (patched) return patched;
  patched = new Map();
  let registry: EngineRegistry | undefined;
  try {
    const empty: DatasetCore<Quad> = factory.dataset([]);
    registry = (new Validator(empty, { factory }) as unknown as { registry?: EngineRegistry }).registry;
  } catch {
    registry = undefined;
  }
  if (typeof registry?.validations?.get !== 'function') return patched;
  for (const [name, ok, message] of RANGES) {
    const original = registry.validations.get(sh(name));
    if (typeof original === 'function') patched.set(sh(name), wrapRange(original, name, ok, message));
  }
  return patched;
}
