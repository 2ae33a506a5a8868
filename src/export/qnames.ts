import { NAMESPACES } from '../generated/vocab.js';

/**
 * Qualified names for PROV-JSON: every IRI written as `prefix:local`, with the prefixes declared
 * in the document's `prefix` block. The vocabulary prefixes (provml, prov, mls, xsd, rdf, rdfs,
 * owl) are fixed; other IRIs get a namespace cut where provml's IRIs have their kind —
 * `urn:provml:execution:` + `0190…` (`execution:0190…`), `urn:provml:data:` + digest — and at the
 * last `#` or `/` for http(s) and file IRIs. Prefix names come from the namespace's last segment
 * (`execution`, `data`, `plan`…), numbered when two namespaces would share one.
 */
export class QualifiedNames {
  readonly #byNamespace = new Map<string, string>();
  readonly #used = new Set<string>(['default']);

  constructor(fixed: Readonly<Record<string, string>> = NAMESPACES) {
    for (const [prefix, ns] of Object.entries(fixed)) {
      this.#byNamespace.set(ns, prefix);
      this.#used.add(prefix);
    }
  }

  /** The declared prefixes, prefix → namespace IRI, in declaration order. */
  prefixes(): Record<string, string> {
    return Object.fromEntries([...this.#byNamespace].map(([ns, p]) => [p, ns]));
  }

  /** `prefix:local` for an IRI, declaring a prefix for its namespace when needed. */
  qn(iri: string): string {
    let best: [string, string] | undefined;
    for (const [ns, prefix] of this.#byNamespace) {
      if (iri.startsWith(ns) && iri.length > ns.length && (!best || ns.length > best[0].length)) best = [ns, prefix];
    }
    if (best) return `${best[1]}:${iri.slice(best[0].length)}`;
    const ns = namespaceOf(iri);
    const prefix = this.#mint(ns);
    this.#byNamespace.set(ns, prefix);
    return `${prefix}:${iri.slice(ns.length)}`;
  }

  #mint(ns: string): string {
    const segments = ns.split(/[:/#]+/).filter((s) => /[A-Za-z]/.test(s));
    let base = (segments.at(-1) ?? 'ns').replace(/[^A-Za-z0-9_-]/g, '').replace(/^[^A-Za-z_]+/, '');
    if (base === '' || /^(https?|file|urn|www)$/i.test(base)) base = 'ns';
    let prefix = base;
    for (let i = 2; this.#used.has(prefix); i++) prefix = `${base}${i}`;
    this.#used.add(prefix);
    return prefix;
  }
}

/**
 * The namespace part of an IRI: for `urn:` IRIs up to the third colon (`urn:provml:execution:`),
 * else up to the last `#` or `/` (or the scheme's colon), always leaving a non-empty local part.
 */
export function namespaceOf(iri: string): string {
  if (/^urn:/i.test(iri)) {
    let at = -1;
    for (let i = 0, n = 0; i < iri.length; i++) {
      if (iri[i] === ':' && ++n === 3) {
        at = i;
        break;
      }
    }
    if (at < 0) at = iri.lastIndexOf(':');
    if (at > 0 && at < iri.length - 1) return iri.slice(0, at + 1);
  }
  const cut = Math.max(iri.lastIndexOf('#', iri.length - 2), iri.lastIndexOf('/', iri.length - 2));
  if (cut > iri.indexOf(':') + 2) return iri.slice(0, cut + 1);
  const colon = iri.indexOf(':');
  return iri.slice(0, colon + 1);
}
