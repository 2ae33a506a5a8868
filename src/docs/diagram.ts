/**
 * The class diagram: a left-to-right tree of the subclass hierarchy, with UML generalization
 * arrows (hollow triangles) pointing to the superclass.
 *
 * Multiple inheritance (provml classes extend a PROV class *and* an ML Schema class) would turn a
 * layered drawing into a hairball, so each class hangs under one *primary* parent: a documented
 * superclass when it has one (the deepest), else the imported superclass most documented classes
 * share (`prov:Entity` rather than `mls:Algorithm`). Its other imported superclasses are written
 * inside its box ("⊑ mls:Algorithm"); other documented superclasses get a dashed arrow. The tree
 * is laid out tidily: leaves stacked in order, each parent centred on its children. No Graphviz:
 * a pure function of the model, so the output is deterministic.
 */
import { compare, localName } from './graph.js';
import type { DocClass, DocModel } from './model.js';
import { curieOf, escapeXml } from './text.js';

/**
 * Options of {@link renderDiagram}.
 *
 * @example
 * ```ts
 * const standalone: DiagramOptions = { linkBase: 'index.html', standalone: true };
 * ```
 */
export interface DiagramOptions {
  /** Prefix of box links: `''` inside the page (`#Study`), `'index.html'` for the separate file. */
  readonly linkBase?: string;
  /** Adds the XML declaration and namespace attributes needed by a stand-alone `.svg` file. */
  readonly standalone?: boolean;
}

interface Box {
  readonly iri: string;
  readonly text: string;
  /** Other imported superclasses, written in the box. */
  readonly note: string | null;
  readonly kind: NonNullable<DocClass['provenanceKind']> | 'external' | 'other';
  parent: string | null;
  readonly children: string[];
  /** Other documented superclasses: dashed arrows. */
  readonly extra: string[];
  column: number;
  y: number;
  readonly h: number;
}

const FONT = 12;
const NOTE_FONT = 10.5;
const CHAR = 0.62 * FONT;
const BOX_H = 24;
const NOTE_H = 14;
const GAP_Y = 7;
const GAP_X = 48;
const PAD = 16;
const LEGEND_H = 28;
const KIND_ORDER = ['external', 'prospective', 'retrospective', 'other'];
const COLORS = {
  prospective: { fill: '#e8f0fe', stroke: '#3b6fd8', text: '#1a3d8f' },
  retrospective: { fill: '#fdf0e1', stroke: '#c9731c', text: '#7a3f06' },
  other: { fill: '#eef3ee', stroke: '#5b8a5b', text: '#24472a' },
  external: { fill: '#f3f4f6', stroke: '#9aa1ab', text: '#4b5160' },
} as const;

/**
 * Renders the class diagram as SVG markup.
 *
 * @example
 * ```ts
 * writeFileSync('diagram.svg', renderDiagram(model, { linkBase: 'index.html', standalone: true }));
 * ```
 */
export function renderDiagram(model: DocModel, options: DiagramOptions = {}): string {
  const boxes = layout(model);
  const all = [...boxes.values()];
  const columns = Math.max(0, ...all.map((b) => b.column)) + 1;
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(90, ...all.filter((b) => b.column === c).map((b) => Math.ceil(Math.max(b.text.length * CHAR, (b.note?.length ?? 0) * NOTE_FONT * 0.6)) + 22)),
  );
  const xs = widths.map((_, c) => PAD + widths.slice(0, c).reduce((a, w) => a + w + GAP_X, 0));
  const top = PAD + LEGEND_H;
  const height = top + Math.max(BOX_H, ...all.map((b) => b.y + b.h)) + PAD;
  const width = Math.max(460, xs[columns - 1]! + widths[columns - 1]! + PAD);
  const mid = (b: Box): number => top + b.y + b.h / 2;

  const edge = (child: Box, parent: Box, dashed: boolean): string => {
    const x1 = xs[child.column]!;
    const x2 = xs[parent.column]! + widths[parent.column]! + 10; // room for the arrowhead
    const dx = Math.max(16, (x1 - x2) / 2);
    const [y1, y2] = [mid(child), mid(parent)];
    return `<path d="M${x1},${y1} C${x1 - dx},${y1} ${x2 + dx},${y2} ${x2},${y2}" fill="none" stroke="#8a94a6" stroke-width="1"${dashed ? ' stroke-dasharray="5 3"' : ''} marker-end="url(#dg-arrow)"/>`;
  };
  const edges = all
    .sort((a, b) => compare(a.iri, b.iri))
    .flatMap((b) => [...(b.parent === null ? [] : [edge(b, boxes.get(b.parent)!, false)]), ...b.extra.map((p) => edge(b, boxes.get(p)!, true))]);

  const nodes = all
    .sort((a, b) => a.column - b.column || a.y - b.y)
    .map((b) => {
      const c = COLORS[b.kind];
      const [x, y, w] = [xs[b.column]!, top + b.y, widths[b.column]!];
      const anchor = model.anchors.get(b.iri);
      const href = anchor === undefined ? b.iri : `${options.linkBase ?? ''}#${anchor}`;
      const note = b.note === null ? '' : `<text x="${x + w / 2}" y="${y + BOX_H + NOTE_H / 2 - 1}" text-anchor="middle" font-size="${NOTE_FONT}" fill="#6b7280">${escapeXml(b.note)}</text>`;
      return (
        `<a href="${escapeXml(href)}"><g class="dg-node" data-iri="${escapeXml(b.iri)}"><title>${escapeXml(b.iri)}</title>` +
        `<rect x="${x}" y="${y}" width="${w}" height="${b.h}" rx="4" fill="${c.fill}" stroke="${c.stroke}"${b.kind === 'external' ? ' stroke-dasharray="4 2"' : ''}/>` +
        `<text x="${x + w / 2}" y="${y + BOX_H / 2 + FONT * 0.35}" text-anchor="middle" font-size="${FONT}" fill="${c.text}">${escapeXml(b.text)}</text>${note}</g></a>`
      );
    });

  const legend = (['prospective', 'retrospective', 'external'] as const)
    .map((k, i) => {
      const c = COLORS[k];
      const x = PAD + i * 140;
      return `<rect x="${x}" y="${PAD - 4}" width="18" height="14" rx="3" fill="${c.fill}" stroke="${c.stroke}"${k === 'external' ? ' stroke-dasharray="4 2"' : ''}/><text x="${x + 24}" y="${PAD + 7}" font-size="${FONT}" fill="#374151">${k === 'external' ? 'imported class' : k}</text>`;
    })
    .join('');

  const ns = options.standalone === true ? ' xmlns="http://www.w3.org/2000/svg"' : '';
  return [
    ...(options.standalone === true ? ['<?xml version="1.0" encoding="UTF-8"?>'] : []),
    `<svg${ns} class="dg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="dg-title" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif">`,
    `<title id="dg-title">Class hierarchy of ${escapeXml(model.ontology.title ?? model.ontology.iri)}</title>`,
    '<defs><marker id="dg-arrow" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="10" markerHeight="10" orient="auto"><path d="M10,0 L0,5 L10,10 z" fill="#ffffff" stroke="#6b7280" stroke-width="1"/></marker></defs>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    legend,
    `<g class="dg-edges">\n${edges.join('\n')}\n</g>`,
    `<g class="dg-nodes">\n${nodes.join('\n')}\n</g>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Boxes with their tree parent, column and vertical offset. */
function layout(model: DocModel): Map<string, Box> {
  const documented = new Map(model.classes.map((c) => [c.iri, c]));
  const supersOf = (iri: string): readonly string[] => documented.get(iri)?.superClasses ?? model.superClassIndex.get(iri) ?? [];
  const depthOf = (iri: string): number => (documented.get(iri)?.allSuperClasses ?? []).length;
  // How many documented classes directly extend each imported class: the backbone wins.
  const hub = new Map<string, number>();
  for (const c of model.classes) for (const s of c.superClasses) if (!documented.has(s)) hub.set(s, (hub.get(s) ?? 0) + 1);
  const primary = (iri: string): string | null => {
    const supers = supersOf(iri).filter((s) => s !== iri);
    const own = supers.filter((s) => documented.has(s)).sort((a, b) => depthOf(b) - depthOf(a) || compare(a, b));
    if (own.length > 0) return own[0]!;
    return [...supers].sort((a, b) => (hub.get(b) ?? 0) - (hub.get(a) ?? 0) || compare(a, b))[0] ?? null;
  };

  const boxes = new Map<string, Box>();
  const make = (iri: string): Box => {
    const c = documented.get(iri);
    const others = c === undefined ? [] : c.superClasses.filter((s) => s !== primary(iri) && !documented.has(s));
    const note = others.length === 0 ? null : `⊑ ${others.map((s) => curieOf(model, s)).join(', ')}`;
    const kind = c === undefined ? 'external' : (c.provenanceKind ?? 'other');
    const text = c === undefined ? curieOf(model, iri) : localName(iri);
    return { iri, text, note, kind, parent: null, children: [], extra: [], column: 0, y: 0, h: note === null ? BOX_H : BOX_H + NOTE_H };
  };
  for (const c of model.classes) boxes.set(c.iri, make(c.iri));
  // Imported primary parents become boxes; an imported box hangs under another imported box only
  // when the imports say so and that box already exists (e.g. prov:Plan under prov:Entity).
  for (const c of model.classes) {
    const p = primary(c.iri);
    if (p !== null && !boxes.has(p)) boxes.set(p, make(p));
  }
  for (const b of boxes.values()) {
    const p = documented.has(b.iri) ? primary(b.iri) : (supersOf(b.iri).find((s) => boxes.has(s) && !documented.has(s) && s !== b.iri) ?? null);
    if (p !== null && boxes.has(p) && !createsCycle(boxes, b.iri, p)) b.parent = p;
    for (const s of documented.get(b.iri)?.superClasses ?? []) if (s !== b.parent && documented.has(s)) b.extra.push(s);
  }
  for (const b of boxes.values()) if (b.parent !== null) boxes.get(b.parent)!.children.push(b.iri);

  const size = new Map<string, number>();
  const subtree = (iri: string): number => size.get(iri) ?? (size.set(iri, 1 + boxes.get(iri)!.children.reduce((n, c) => n + subtree(c), 0)), size.get(iri)!);
  const order = (a: Box, b: Box): number => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.text, b.text);
  const roots = [...boxes.values()].filter((b) => b.parent === null).sort((a, b) => subtree(b.iri) - subtree(a.iri) || order(a, b));
  let cursor = 0;
  const place = (b: Box, column: number): void => {
    const start = cursor;
    b.column = column;
    const kids = b.children.map((c) => boxes.get(c)!).sort(order);
    if (kids.length === 0) {
      b.y = cursor;
      cursor += b.h + GAP_Y;
      return;
    }
    for (const k of kids) place(k, column + 1);
    const first = kids[0]!;
    const last = kids[kids.length - 1]!;
    b.y = Math.max(start, Math.round((first.y + first.h / 2 + last.y + last.h / 2) / 2 - b.h / 2));
    cursor = Math.max(cursor, b.y + b.h + GAP_Y);
  };
  for (const r of roots) {
    place(r, 0);
    cursor += GAP_Y * 2; // a little air between trees
  }
  return boxes;
}

function createsCycle(boxes: ReadonlyMap<string, Box>, child: string, parent: string): boolean {
  for (let p: string | null = parent, steps = 0; p !== null && steps <= boxes.size; p = boxes.get(p)?.parent ?? null, steps++) if (p === child) return true;
  return false;
}
