/**
 * The page's stylesheet, inlined into `index.html` (no external fonts, scripts or images: the page
 * works offline and from `file://`). System font stacks only.
 */

/**
 * CSS of the ontology page.
 *
 * @example
 * ```ts
 * const head = `<style>${PAGE_CSS}</style>`;
 * ```
 */
export const PAGE_CSS = `
:root {
  --text: #1f2933; --muted: #5f6b7a; --line: #e3e7ed; --soft: #f6f8fb; --accent: #2457c5; --accent-soft: #e8f0fe;
  --pro: #1a3d8f; --pro-bg: #e8f0fe; --pro-line: #9db7ef; --retro: #7a3f06; --retro-bg: #fdf0e1; --retro-line: #efbf8a;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace;
  --sans: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'Liberation Sans', sans-serif;
}
* { box-sizing: border-box; }
html { scroll-behavior: auto; }
body { margin: 0; font: 15px/1.6 var(--sans); color: var(--text); background: #fff; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .iri { font-family: var(--mono); font-size: 0.86em; }
.layout { display: grid; grid-template-columns: 300px minmax(0, 1fr); min-height: 100vh; }
nav.sidebar { position: sticky; top: 0; height: 100vh; overflow-y: auto; background: var(--soft); border-right: 1px solid var(--line); padding: 1.25rem 1rem 2rem 1.25rem; font-size: 13.5px; }
nav.sidebar .brand { font-weight: 650; font-size: 15px; line-height: 1.35; margin: 0 0 0.2rem; color: var(--text); }
nav.sidebar .version { color: var(--muted); font-size: 12.5px; margin: 0 0 1rem; }
nav.sidebar h2 { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 1.1rem 0 0.35rem; border: 0; padding: 0; }
nav.sidebar h3 { font-size: 12.5px; font-weight: 600; margin: 0.7rem 0 0.2rem; color: var(--text); }
nav.sidebar ul { list-style: none; margin: 0; padding: 0; }
nav.sidebar li { margin: 0; }
nav.sidebar li a { display: block; padding: 1px 6px; border-radius: 4px; color: #2b3a4f; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
nav.sidebar li a:hover { background: #e7ecf3; text-decoration: none; }
nav.sidebar .count { color: var(--muted); font-weight: 400; }
main { padding: 2.25rem 3rem 4rem; max-width: 1080px; }
header.ontology h1 { font-size: 2rem; line-height: 1.25; margin: 0 0 0.5rem; letter-spacing: -0.01em; }
header.ontology .subtitle { color: var(--muted); margin: 0 0 1.25rem; }
header.ontology .downloads { display: flex; gap: 0.5rem; flex-wrap: wrap; margin: 1rem 0 0; }
header.ontology .downloads a { border: 1px solid var(--line); border-radius: 6px; padding: 0.25rem 0.7rem; font-size: 13.5px; background: #fff; }
header.ontology .downloads a:hover { background: var(--soft); text-decoration: none; }
h2 { font-size: 1.45rem; margin: 2.75rem 0 1rem; padding-bottom: 0.35rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 2rem 0 0.75rem; color: #33415a; }
section, article, h2, h3 { scroll-margin-top: 1rem; }
dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.3rem 1.25rem; margin: 0; }
dl.meta dt { font-weight: 600; color: #3d4b5f; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.description { margin-top: 1.25rem; max-width: 75ch; }
.description p { margin: 0 0 0.8rem; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 0.5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; color: #3d4b5f; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
td.card { white-space: nowrap; font-family: var(--mono); font-size: 12.5px; }
table.ns td:first-child { font-family: var(--mono); font-weight: 600; width: 8rem; }
figure.diagram { margin: 0; border: 1px solid var(--line); border-radius: 8px; overflow: auto; max-height: 78vh; background: #fff; }
figure.diagram svg { display: block; }
figure.diagram svg a:hover rect { stroke-width: 2; }
figcaption { font-size: 13px; color: var(--muted); margin: 0.5rem 0 0; }
article.term { border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem 0.75rem; margin: 0 0 1rem; background: #fff; }
article.term:target { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
article.term h4 { margin: 0; font-size: 1.12rem; display: flex; align-items: center; flex-wrap: wrap; gap: 0.5rem; }
article.term h4 .permalink { color: #aab4c3; font-weight: 400; font-size: 0.9em; }
article.term .iri { display: block; color: var(--muted); margin: 0.15rem 0 0.6rem; overflow-wrap: anywhere; }
article.term .definition { margin: 0 0 0.6rem; max-width: 80ch; }
article.term .definition p { margin: 0 0 0.5rem; }
article.term .definition.missing { color: var(--muted); font-style: italic; }
dl.facts { display: grid; grid-template-columns: 11rem minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0 0 0.5rem; font-size: 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ul.refs { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; }
.ref.ext code { color: #4b5563; }
.badge { display: inline-block; font-size: 11.5px; font-weight: 600; line-height: 1.5; padding: 0 0.55rem; border-radius: 999px; border: 1px solid var(--line); background: var(--soft); color: #3d4b5f; letter-spacing: 0.01em; white-space: nowrap; }
.badge.prospective { background: var(--pro-bg); color: var(--pro); border-color: var(--pro-line); }
.badge.retrospective { background: var(--retro-bg); color: var(--retro); border-color: var(--retro-line); }
.badge.kind { background: #eef3ee; color: #24472a; border-color: #b9d3b9; }
.shapes h5 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 0.9rem 0 0.25rem; }
.shape-head { margin: 0.4rem 0 0; font-size: 14px; }
.shape-head .msg, .msg { color: var(--muted); }
.legend { display: flex; gap: 1rem; font-size: 13px; color: var(--muted); margin: 0.25rem 0 0.75rem; }
footer { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
@media (max-width: 900px) {
  .layout { grid-template-columns: 1fr; }
  nav.sidebar { position: static; height: auto; max-height: 45vh; border-right: 0; border-bottom: 1px solid var(--line); }
  main { padding: 1.5rem 1.1rem 3rem; }
  dl.facts { grid-template-columns: 1fr; }
}
@media print {
  nav.sidebar { display: none; }
  .layout { display: block; }
  article.term { break-inside: avoid; }
}
`;
