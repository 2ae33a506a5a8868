/**
 * The report's stylesheet, inlined in the page's `<style>`: system fonts only (no web font), light
 * colours, tables that scroll sideways instead of overflowing, charts that shrink with the window,
 * and print rules (no navigation, no page break inside a chart).
 */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa; --accent: #0969da; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 15px; color: var(--fg); background: var(--bg); line-height: 1.45; }
body { margin: 0; display: grid; grid-template-columns: 220px minmax(0, 1fr); min-height: 100vh; }
nav.toc { position: sticky; top: 0; align-self: start; height: 100vh; overflow-y: auto; padding: 20px 14px; background: var(--soft); border-right: 1px solid var(--line); font-size: 14px; }
nav.toc strong { display: block; margin-bottom: 8px; }
nav.toc ol { margin: 0; padding-left: 18px; }
nav.toc li { margin: 4px 0; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { padding: 20px 32px 64px; max-width: 1400px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 2px 0; color: var(--muted); }
section { margin-top: 36px; }
h2 { font-size: 21px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 17px; margin: 22px 0 8px; }
h4 { font-size: 15px; margin: 16px 0 6px; }
p.intro, p.note { color: var(--muted); max-width: 70em; }
p.empty { color: var(--muted); font-style: italic; }
p.problem { color: var(--bad); background: #ffebe9; border: 1px solid #ffcecb; padding: 6px 10px; border-radius: 6px; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 13.5px; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, td .num { text-align: right; font-variant-numeric: tabular-nums; }
span.when { white-space: nowrap; }
table.runs td code { display: inline-block; min-width: 31ch; }
tr.differs td:first-child { border-left: 3px solid var(--warn); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12.5px; font-weight: 600; }
.badge.ok, .badge.completed { background: #dafbe1; color: var(--ok); }
.badge.bad, .badge.failed { background: #ffebe9; color: var(--bad); }
.badge.running { background: #fff8c5; color: var(--warn); }
.charts { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
figure { margin: 0; padding: 8px; border: 1px solid var(--line); border-radius: 8px; background: #fff; break-inside: avoid; max-width: 100%; }
figure figcaption { font-weight: 600; font-size: 14px; margin: 0 4px 4px; }
figure p.note { font-size: 12.5px; margin: 4px; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 11px; }
svg .grid { stroke: #eaeef2; }
svg .axis, svg .tickmark { stroke: #8c959f; }
svg .tick { fill: var(--muted); }
svg .axis-title { fill: var(--fg); font-size: 12px; }
svg .legend text { fill: var(--fg); }
svg .series circle { stroke: #fff; stroke-width: 1; }
svg .series:hover path { stroke-width: 3; }
svg .bar:hover { fill-opacity: 0.7; }
svg .stat { stroke: var(--fg); stroke-dasharray: 4 3; }
svg .stat-label { fill: var(--fg); font-size: 10.5px; }
.lineage-wrap { overflow: auto; max-height: 80vh; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
svg.lineage { display: block; font-size: 12px; max-width: 100%; height: auto; }
svg.lineage .edge path { stroke: #57606a; stroke-width: 1.3; }
svg.lineage .edge.collapsed path { stroke-dasharray: 5 3; }
svg.lineage .edge.back path { stroke: var(--bad); }
svg.lineage .arrow { fill: #57606a; }
svg.lineage .node text { fill: #000; pointer-events: none; }
svg.lineage .node.root ellipse, svg.lineage .node.root rect { stroke-width: 3; }
svg.lineage .node[data-role="raw"] ellipse { stroke: #8250df; stroke-width: 2.5; }
svg.lineage .node:hover ellipse, svg.lineage .node:hover rect, svg.lineage .node:hover polygon { filter: brightness(0.92); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ul.kv { list-style: none; margin: 0; padding: 0; }
ul.kv li { white-space: nowrap; }
@media (max-width: 900px) { body { display: block; } nav.toc { position: static; height: auto; border-right: 0; border-bottom: 1px solid var(--line); } main { padding: 16px; } }
@media print { nav.toc { display: none; } body { display: block; } .lineage-wrap { max-height: none; overflow: visible; } }
`;
