/**
 * Renderers of provenance graphs: exact Mermaid and DOT text for a small graph; hostile labels
 * (quotes, newlines, brackets, arrows, braces, comments) stay inside their label; DOT output goes
 * through Graphviz and SVG comes out. The Graphviz tests skip with a console line when `dot` is
 * missing, unless PROVML_REQUIRE_GRAPHVIZ=1 (CI), where a missing `dot` fails them.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dotString, dotToSvg, GraphvizMissingError, mermaidText, renderGraph, toDot, toMermaid, toSvg, type ProvGraph } from '../../../src/query/index.js';

const PROV = 'http://www.w3.org/ns/prov#';

const small: ProvGraph = {
  nodes: [
    { iri: 'urn:t:model', types: [], label: 'model.json', kind: 'entity', depth: 0 },
    { iri: 'urn:t:epoch', types: [], label: 'epoch #3', kind: 'activity', depth: 1 },
    { iri: 'urn:t:alice', types: [], label: 'alice', kind: 'agent', depth: 2 },
  ],
  edges: [
    { from: 'urn:t:model', predicate: `${PROV}wasGeneratedBy`, to: 'urn:t:epoch' },
    { from: 'urn:t:epoch', predicate: `${PROV}wasAssociatedWith`, to: 'urn:t:alice' },
  ],
  roots: ['urn:t:model'],
};

const HOSTILE = [
  'say "hi"',
  'line one\nline two\r\nthree',
  'x"] --> n1["pwned',
  'a}; n9 -> n0 [label="evil"]; {',
  'back\\slash \\N \\" end\\',
  '%% comment ; #amp; <b>bold</b> `code` | pipe',
  'style x:#fff; classDef c fill:#f00',
];

const hostile: ProvGraph = {
  nodes: HOSTILE.map((label, i) => ({ iri: `urn:h:${i}`, types: [], label, kind: i % 2 ? 'activity' : 'entity', depth: i })),
  edges: HOSTILE.slice(1).map((label, i) => ({ from: `urn:h:${i}`, predicate: `${PROV}used`, to: `urn:h:${i + 1}`, label })),
  roots: ['urn:h:0'],
};

describe('Mermaid', () => {
  it('writes the expected flowchart for a small graph', () => {
    expect(toMermaid(small)).toBe(
      [
        'flowchart BT',
        '  n0(["model.json"])',
        '  n1["epoch #35;3"]',
        '  n2{{"alice"}}',
        '  n0 -->|wasGeneratedBy| n1',
        '  n1 -->|wasAssociatedWith| n2',
        '  classDef activity fill:#9fb1fc,stroke:#0000ff',
        '  class n1 activity',
        '  classDef agent fill:#fed37f,stroke:#808080',
        '  class n2 agent',
        '  classDef entity fill:#fffc87,stroke:#808080',
        '  class n0 entity',
        '  classDef root stroke-width:3px',
        '  class n0 root',
        '',
      ].join('\n'),
    );
    expect(toMermaid(small, { direction: 'LR' }).split('\n')[0]).toBe('flowchart LR');
  });

  it('keeps hostile labels inside their quotes', () => {
    // A label body: safe characters, entity codes (#34;) and line breaks only.
    const BODY = '(?:[^"\\[\\]{}|<>;%`#:\\n()]|#\\d+;|<br/>)*';
    expect(mermaidText('a "b" --> [c]')).toBe('a #34;b#34; --#62; #91;c#93;');
    expect(mermaidText('x\ny')).toBe('x<br/>y');
    const text = toMermaid(hostile);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + HOSTILE.length + (HOSTILE.length - 1) + 2 * 2 + 2);
    for (const line of lines.slice(1, 1 + HOSTILE.length)) {
      // One node per line, the label quoted, nothing in it that ends a string, a shape or a statement.
      expect(line).toMatch(new RegExp(`^ {2}n\\d+(\\(\\["|\\[")${BODY}("\\]\\)|"\\])$`));
    }
    for (const line of lines.slice(1 + HOSTILE.length, HOSTILE.length * 2)) {
      expect(line).toMatch(new RegExp(`^ {2}n\\d+ -->\\|${BODY}\\| n\\d+$`));
    }
    expect(text).not.toContain('n1["pwned');
    expect(text).toContain('n2(["x#34;#93; --#62; n1#91;#34;pwned"])');
    expect(text).toContain('line one<br/>line two<br/>three');
  });
});

describe('DOT', () => {
  it('writes the expected digraph for a small graph', () => {
    expect(toDot(small)).toBe(
      [
        'digraph "provenance" {',
        '  rankdir=BT;',
        '  node [fontname="Helvetica", fontsize=10, style=filled];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  n0 [label="model.json", tooltip="urn:t:model", shape=ellipse, fillcolor="#fffc87", color="#808080", penwidth=3];',
        '  n1 [label="epoch #3", tooltip="urn:t:epoch", shape=box, fillcolor="#9fb1fc", color="#0000ff"];',
        '  n2 [label="alice", tooltip="urn:t:alice", shape=house, fillcolor="#fed37f", color="#808080"];',
        '  n0 -> n1 [label="wasGeneratedBy"];',
        '  n1 -> n2 [label="wasAssociatedWith"];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('escapes quotes, backslashes and newlines', () => {
    expect(dotString('say "hi"')).toBe('"say \\"hi\\""');
    expect(dotString('a\\b')).toBe('"a\\\\b"');
    expect(dotString('one\ntwo\r\nthree\u0007')).toBe('"one\\ntwo\\nthree"');
    const text = toDot(hostile);
    // Every statement line is one node or one edge with our attributes only.
    const statements = text.split('\n').slice(4, -2);
    expect(statements).toHaveLength(HOSTILE.length * 2 - 1);
    for (const s of statements) expect(s).toMatch(/^ {2}n\d+( -> n\d+)? \[label="([^"\\]|\\.)*"(, [a-z]+=("([^"\\]|\\.)*"|\w+))*\];$/);
  });

  it('renders edges drawn through hidden nodes dashed, with the hop count', () => {
    const g: ProvGraph = { ...small, edges: [{ from: 'urn:t:model', predicate: `${PROV}wasInfluencedBy`, to: 'urn:t:alice', via: ['urn:t:epoch'] }] };
    expect(toDot(g)).toContain('n0 -> n2 [label="wasInfluencedBy (via 1)", style=dashed];');
  });
});

function hasGraphviz(): boolean {
  const r = spawnSync('dot', ['-V'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}
const graphviz = hasGraphviz();
const required = process.env.PROVML_REQUIRE_GRAPHVIZ === '1';
if (!graphviz && !required) {
  console.log('SKIPPED: Graphviz rendering tests — `dot` is not installed (apt-get install -y graphviz; PROVML_REQUIRE_GRAPHVIZ=1 makes this a failure)');
}

describe.skipIf(!graphviz && !required)('Graphviz', () => {
  it('parses the DOT of hostile labels as exactly the nodes and edges we wrote', async () => {
    const svg = await toSvg(hostile);
    expect(svg).toContain('<svg');
    expect(svg.match(/<g id="node\d+" class="node">/g)).toHaveLength(HOSTILE.length);
    expect(svg.match(/<g id="edge\d+" class="edge">/g)).toHaveLength(HOSTILE.length - 1);
    expect(svg).toContain('say &quot;hi&quot;');
    expect(svg).toContain('back\\slash \\N \\&quot; end\\');
    expect(svg).not.toContain('evil</text>');
  });

  it('renders SVG through renderGraph', async () => {
    const svg = await renderGraph(small, 'svg');
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('<title>n0</title>');
    expect(svg).toContain('epoch #3');
  });

  it('reports a Graphviz error with its message', async () => {
    await expect(dotToSvg('digraph { a -> }')).rejects.toThrow(/Graphviz dot failed: .*syntax error/);
  });
});

describe('Graphviz missing', () => {
  it('rejects with GraphvizMissingError saying how to install it', async () => {
    const err = await toSvg(small, { dot: '/nonexistent/provml-no-dot' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphvizMissingError);
    expect((err as Error).message).toMatch(/Graphviz is not installed .*apt-get install graphviz/);
  });
});

describe('renderGraph', () => {
  it('writes JSON, Mermaid and DOT, and rejects an unknown format', async () => {
    expect(JSON.parse(await renderGraph(small, 'json'))).toEqual(small);
    expect(await renderGraph(small, 'mermaid')).toBe(toMermaid(small));
    expect(await renderGraph(small, 'dot')).toBe(toDot(small));
    await expect(renderGraph(small, 'png' as 'svg')).rejects.toThrow(/unknown graph format/);
  });
});
