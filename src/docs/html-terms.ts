/**
 * HTML of the per-term sections: classes, properties, individuals and SHACL shapes. Every value
 * from the input is escaped here; internal references link to the term's anchor, external ones to
 * their IRI (shown compacted, the full IRI as the link target and tooltip).
 */
import type { DocClass, DocIndividual, DocModel, DocProperty } from './model.js';
import { type DocConstraint, type DocNodeShape, type DocPiece, type DocPropertyShape, pathPieces } from './shapes.js';
import { curieOf, escapeHtml, richText } from './text.js';

/**
 * A link to a term: `#anchor` when documented on the page, else the IRI itself.
 *
 * @example
 * ```ts
 * ref(model, 'http://www.w3.org/ns/prov#Entity');
 * // '<a class="ref ext" href="http://www.w3.org/ns/prov#Entity" title="http://www.w3.org/ns/prov#Entity"><code>prov:Entity</code></a>'
 * ```
 */
export function ref(model: DocModel, iri: string): string {
  const id = model.anchors.get(iri);
  const text = `<code>${escapeHtml(curieOf(model, iri))}</code>`;
  const label = model.labels.get(iri);
  const title = escapeHtml(label === undefined ? iri : `${label} — ${iri}`);
  return id === undefined
    ? `<a class="ref ext" href="${escapeHtml(iri)}" title="${title}">${text}</a>`
    : `<a class="ref" href="#${escapeHtml(id)}" title="${title}">${text}</a>`;
}

/**
 * A list of term links, or `''` when empty.
 *
 * @example
 * ```ts
 * refs(model, cls.superClasses); // '<ul class="refs"><li>…</li></ul>'
 * ```
 */
export function refs(model: DocModel, iris: readonly string[]): string {
  return iris.length === 0 ? '' : `<ul class="refs">${iris.map((i) => `<li>${ref(model, i)}</li>`).join('')}</ul>`;
}

/**
 * Rich pieces (IRIs and text) as HTML.
 *
 * @example
 * ```ts
 * pieces(model, [{ text: 'datatype ' }, { iri: 'http://www.w3.org/2001/XMLSchema#string' }]);
 * ```
 */
export function pieces(model: DocModel, list: readonly DocPiece[]): string {
  return list.map((p) => ('iri' in p ? ref(model, p.iri) : escapeHtml(p.text))).join('');
}

function facts(rows: readonly [string, string][]): string {
  const shown = rows.filter(([, html]) => html !== '');
  return shown.length === 0 ? '' : `<dl class="facts">\n${shown.map(([dt, dd]) => `<dt>${escapeHtml(dt)}</dt><dd>${dd}</dd>`).join('\n')}\n</dl>`;
}

function head(id: string, label: string, iri: string, badges: string): string {
  return (
    `<header><h4><span class="label">${escapeHtml(label)}</span>${badges}<a class="permalink" href="#${escapeHtml(id)}" aria-label="Link to this section">#</a></h4>\n` +
    `<code class="iri">${escapeHtml(iri)}</code></header>`
  );
}

function definition(comment: string | null): string {
  return comment === null ? '<div class="definition missing"><p>No definition given.</p></div>' : `<div class="definition">${richText(comment)}</div>`;
}

/**
 * The badge of a class's provenance kind (empty when it has none).
 *
 * @example
 * ```ts
 * kindBadge('retrospective'); // ' <span class="badge retrospective">retrospective</span>'
 * ```
 */
export function kindBadge(kind: DocClass['provenanceKind']): string {
  return kind === null ? '' : ` <span class="badge ${kind}" title="provml:provenanceKind">${kind}</span>`;
}

/**
 * The section of one class.
 *
 * @example
 * ```ts
 * const html = classSection(model, model.classes[0]!);
 * ```
 */
export function classSection(model: DocModel, c: DocClass): string {
  const inheritedOnly = (all: readonly string[], direct: readonly string[]): string[] => all.filter((x) => !direct.includes(x));
  return [
    `<article class="term class" id="${escapeHtml(c.id)}" data-iri="${escapeHtml(c.iri)}">`,
    head(c.id, c.label, c.iri, kindBadge(c.provenanceKind)),
    definition(c.comment),
    facts([
      ['Superclasses', refs(model, c.superClasses)],
      ['Inferred superclasses', refs(model, inheritedOnly(c.allSuperClasses, c.superClasses))],
      ['Subclasses', refs(model, c.subClasses)],
      ['Inferred subclasses', refs(model, inheritedOnly(c.allSubClasses, c.subClasses))],
      ['Equivalent to', refs(model, c.equivalentClasses)],
      ['Disjoint with', refs(model, c.disjointWith)],
      ['In domain of', refs(model, c.inDomainOf)],
      ['In range of', refs(model, c.inRangeOf)],
      ['Individuals', refs(model, c.individuals)],
    ]),
    c.shapes.length === 0 ? '' : `<div class="shapes"><h5>SHACL constraints</h5>\n${c.shapes.map((s) => shapeTable(model, s)).join('\n')}</div>`,
    '</article>',
  ].filter((x) => x !== '').join('\n');
}

const KIND_LABEL: Record<DocProperty['kind'], string> = { object: 'object property', datatype: 'datatype property', annotation: 'annotation property' };

/**
 * The section of one property.
 *
 * @example
 * ```ts
 * const html = propertySection(model, model.properties[0]!);
 * ```
 */
export function propertySection(model: DocModel, p: DocProperty): string {
  const badges = [` <span class="badge kind">${KIND_LABEL[p.kind]}</span>`, ...p.characteristics.map((c) => ` <span class="badge">${escapeHtml(c)}</span>`)].join('');
  return [
    `<article class="term property" id="${escapeHtml(p.id)}" data-iri="${escapeHtml(p.iri)}">`,
    head(p.id, p.label, p.iri, badges),
    definition(p.comment),
    facts([
      ['Domain', refs(model, p.domain)],
      ['Range', refs(model, p.range)],
      ['Characteristics', escapeHtml(p.characteristics.join(', '))],
      ['Super-properties', refs(model, p.superProperties)],
      ['Sub-properties', refs(model, p.subProperties)],
      ['Inverse of', refs(model, p.inverseOf)],
      ['Constrained by shapes', p.shapes.map((s) => shapeRef(model, s)).join(', ')],
    ]),
    '</article>',
  ].filter((x) => x !== '').join('\n');
}

/**
 * The section of one named individual.
 *
 * @example
 * ```ts
 * const html = individualSection(model, model.individuals[0]!);
 * ```
 */
export function individualSection(model: DocModel, i: DocIndividual): string {
  return [
    `<article class="term individual" id="${escapeHtml(i.id)}" data-iri="${escapeHtml(i.iri)}">`,
    head(i.id, i.label, i.iri, ' <span class="badge kind">individual</span>'),
    definition(i.comment),
    facts([['Types', refs(model, i.types)]]),
    '</article>',
  ].join('\n');
}

/**
 * The section of one node shape (in the "SHACL shapes" part of the page).
 *
 * @example
 * ```ts
 * const html = shapeSection(model, model.shapes[0]!);
 * ```
 */
export function shapeSection(model: DocModel, s: DocNodeShape): string {
  const id = s.iri === null ? undefined : model.anchors.get(s.iri);
  const label = s.label ?? (s.iri === null ? 'Anonymous shape' : curieOf(model, s.iri));
  return [
    `<article class="term shape"${id === undefined ? '' : ` id="${escapeHtml(id)}"`}>`,
    id === undefined || s.iri === null ? `<header><h4>${escapeHtml(label)}</h4></header>` : head(id, label, s.iri, ' <span class="badge kind">node shape</span>'),
    s.message === null ? '' : `<p class="msg">${escapeHtml(s.message)}</p>`,
    facts([
      ['Targets', refs(model, s.targets)],
      ...s.constraints.map((c): [string, string] => [c.name, pieces(model, c.value)]),
    ]),
    s.properties.length === 0 ? '' : propertyTable(model, s.properties),
    '</article>',
  ].filter((x) => x !== '').join('\n');
}

function shapeRef(model: DocModel, s: DocNodeShape): string {
  if (s.iri === null) return escapeHtml(s.label ?? 'anonymous shape');
  const id = model.anchors.get(s.iri);
  const text = `<code>${escapeHtml(curieOf(model, s.iri))}</code>`;
  return id === undefined ? text : `<a class="ref" href="#${escapeHtml(id)}" title="${escapeHtml(s.iri)}">${text}</a>`;
}

/** One shape as seen from a class: which shape, its node-level rules, its property table. */
function shapeTable(model: DocModel, s: DocNodeShape): string {
  const nodeRules = s.constraints.map((c) => `<li>${escapeHtml(c.name)} ${pieces(model, c.value)}</li>`).join('');
  return [
    `<p class="shape-head">${shapeRef(model, s)}${s.label === null ? '' : ` — ${escapeHtml(s.label)}`}${s.message === null ? '' : `<br><span class="msg">${escapeHtml(s.message)}</span>`}</p>`,
    nodeRules === '' ? '' : `<ul class="node-rules">${nodeRules}</ul>`,
    s.properties.length === 0 ? '' : propertyTable(model, s.properties),
  ].filter((x) => x !== '').join('\n');
}

function propertyTable(model: DocModel, properties: readonly DocPropertyShape[]): string {
  const rows = properties.map(
    (p) =>
      `<tr><td>${pieces(model, pathPieces(p.path))}</td><td class="card">${escapeHtml(cardinality(p))}</td><td>${constraintList(model, p.constraints)}</td><td class="msg">${escapeHtml(p.message ?? '')}</td></tr>`,
  );
  return `<table class="constraints"><thead><tr><th>Path</th><th>Count</th><th>Constraints</th><th>Message</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function constraintList(model: DocModel, list: readonly DocConstraint[]): string {
  return list.map((c) => `<span class="constraint"><span class="cname">${escapeHtml(c.name)}</span> ${pieces(model, c.value)}</span>`).join('<br>');
}

/**
 * A property shape's cardinality as `min..max` (`*` for unbounded), `—` when it states none.
 *
 * @example
 * ```ts
 * cardinality({ minCount: 1, maxCount: null, qualified: false }); // '1..*'
 * ```
 */
export function cardinality(p: Pick<DocPropertyShape, 'minCount' | 'maxCount' | 'qualified'>): string {
  if (p.minCount === null && p.maxCount === null) return '—';
  return `${p.minCount ?? 0}..${p.maxCount ?? '*'}${p.qualified ? ' (qualified)' : ''}`;
}
