// Minimal type declarations for the two untyped JavaScript packages the validator uses.
// Only the members provml touches are declared (checked against shacl-engine 1.1 and rdf-ext 2.6).

declare module 'shacl-engine' {
  import type { DataFactory, DatasetCore, DatasetCoreFactory, Literal, NamedNode, Quad, Term } from '@rdfjs/types';

  /** One step of a parsed SHACL property path (shacl-engine lib/parsePath.js). */
  export interface ShaclPathStep {
    quantifier: 'one' | 'zeroOrMore' | 'oneOrMore' | 'zeroOrOne';
    start: 'subject' | 'object';
    end: 'subject' | 'object';
    predicates: Term[];
  }

  /** A grapoi pointer (only the members read here). */
  export interface ShaclPointer {
    readonly term: Term | undefined;
    readonly terms: Term[];
  }

  export interface ShaclResult {
    readonly focusNode: ShaclPointer;
    readonly path: ShaclPathStep[] | null | undefined;
    readonly value: ShaclPointer | undefined;
    readonly message: Literal[];
    readonly severity: NamedNode;
    readonly constraintComponent: NamedNode;
    readonly shape: { readonly ptr: ShaclPointer };
  }

  export interface ShaclReport {
    readonly conforms: boolean;
    readonly results: ShaclResult[];
    readonly dataset: DatasetCore;
  }

  export interface ValidatorOptions {
    factory: DataFactory<Quad> & DatasetCoreFactory<Quad>;
    debug?: boolean;
    details?: boolean;
    trace?: boolean;
    coverage?: boolean;
  }

  export class Validator {
    constructor(shapes: DatasetCore, options: ValidatorOptions);
    /** Without `shapes`, every shape runs on its targets; with `terms`, the given focus nodes replace the targets. */
    validate(data: { dataset: DatasetCore; terms?: Iterable<Term> }, shapes?: ReadonlyArray<{ terms: Term[] }>): Promise<ShaclReport>;
  }
}

declare module 'rdf-ext' {
  import type { DataFactory, DatasetCore, DatasetCoreFactory, Quad } from '@rdfjs/types';

  export interface RdfExtEnvironment extends DataFactory<Quad>, DatasetCoreFactory<Quad> {
    dataset(quads?: Iterable<Quad>): DatasetCore<Quad> & Iterable<Quad> & { addAll(quads: Iterable<Quad>): unknown };
  }

  const rdf: RdfExtEnvironment;
  export default rdf;
}
