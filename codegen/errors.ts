/**
 * The one error type the generator throws for problems in its input files.
 *
 * The message always starts with the file (relative to the project root), then the line when known,
 * then the offending IRI, so an editor or a CI log points straight at the cause:
 * `ontology/prov-ml.ttl: https://w3id.org/prov-ml#Foo: used as rdfs:domain but never declared (line 42)`.
 */
export class CodegenError extends Error {
  override readonly name = 'CodegenError';

  constructor(
    /** File the problem is in, relative to the project root. */
    readonly file: string,
    /** The IRI at fault, or `null` for file-level problems (syntax errors). */
    readonly iri: string | null,
    /** What is wrong, in plain words. */
    readonly reason: string,
    /** 1-based line of the first occurrence, when known. */
    readonly line?: number,
  ) {
    super(
      iri === null
        ? `${file}${line === undefined ? '' : `:${line}`}: ${reason}`
        : `${file}: ${iri}: ${reason}${line === undefined ? '' : ` (line ${line})`}`,
    );
  }
}
