import { createHash } from 'node:crypto';

/**
 * IRI minting (ARCHITECTURE.md, "IRIs").
 *
 * - Executions: time-ordered unique ids (UUIDv7 from capture) under `<base>execution/`.
 * - Prospective nodes (workflows, transformations, attributes): derived from their names, so every
 *   run of the same code shares them.
 * - Data: derived from the reference (and content checksum when known), so a file produced by one
 *   workflow and consumed by another, in another process or on another machine, is the same node,
 *   and a rewritten file (same storage URL, new content) is a new node: a new version (values.ts).
 * - Values of one execution (hyperparameter settings, evaluations): derived from the execution id
 *   and the attribute name, so re-recording the same event yields the same IRI (idempotent).
 *
 * No blank nodes anywhere.
 */
export class IriMinter {
  readonly base: string;

  constructor(base = 'urn:provml:') {
    assertBase(base);
    this.base = base;
  }

  /** Named graph holding everything one workflow execution recorded. */
  graph(rootId: string): string {
    return `${this.base}graph:${rootId}`;
  }

  /** Named graph describing nodes shared by many runs: plans, data, environments, code. */
  sharedGraph(): string {
    return `${this.base}graph:shared`;
  }

  /**
   * Named graph of the version links and numbers `provml versions --link` derives from the whole
   * store (`prov:wasRevisionOf`, `provml:versionNumber`): recomputed as a unit, apart from what
   * recorders observed.
   */
  versionsGraph(): string {
    return `${this.base}graph:versions`;
  }

  execution(id: string): string {
    return `${this.base}execution:${id}`;
  }

  /**
   * A workflow is defined by its name and, when it has one, the experiment it is defined for: the
   * same code run for two experiments is two workflow nodes, each `provml:inExperiment` its own.
   */
  workflow(name: string, experiment?: string): string {
    return experiment ? `${this.base}workflow:${seg(name)}:experiment:${seg(experiment)}` : `${this.base}workflow:${seg(name)}`;
  }

  /** A data transformation / stage / iteration specification of a workflow. */
  plan(workflow: string, spec: string): string {
    return `${this.base}plan:${seg(workflow)}:${seg(spec)}`;
  }

  /** A declared attribute (parameter, data reference, measure…) of a plan. */
  attribute(planIri: string, role: string, name: string): string {
    return `${planIri}:${role}:${seg(name)}`;
  }

  /** A value recorded by one execution. */
  value(executionId: string, role: string, name: string): string {
    return `${this.base}value:${executionId}:${role}:${seg(name)}`;
  }

  /** Content-derived IRI of a data reference (file path or URI, plus checksum when known). */
  data(uri: string, checksum?: string): string {
    return `${this.base}data:${digest(checksum ? `${uri}\n${checksum}` : uri)}`;
  }

  named(kind: 'study' | 'experiment' | 'persona' | 'task' | 'algorithm' | 'software', name: string): string {
    return `${this.base}${kind}:${seg(name)}`;
  }

  /** Content-derived IRI of an environment or source code description. */
  digestOf(kind: 'environment' | 'code', content: string): string {
    return `${this.base}${kind}:${digest(content)}`;
  }
}

/** 128 bits of SHA-256 in hex: collision-safe for provenance node identity. */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

// Names repeat endlessly (the same measure on every batch): encoded segments are memoised.
const segments = new Map<string, string>();

/** Percent-encode a name so it is a safe IRI segment (`:` and `/` included). */
function seg(name: string): string {
  let out = segments.get(name);
  if (out === undefined) {
    out = encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    if (segments.size >= 10_000) segments.clear();
    segments.set(name, out);
  }
  return out;
}

/** An absolute IRI with no character N-Quads forbids inside `<…>`. @internal */
export function isAbsoluteIri(value: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|\\^`]*$/.test(value);
}

function assertBase(base: string): void {
  if (!isAbsoluteIri(base)) {
    throw new TypeError(`provml: invalid IRI base ${JSON.stringify(base)}: expected an absolute IRI such as "urn:provml:" or "https://example.org/prov/"`);
  }
}
