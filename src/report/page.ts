/**
 * The page around the sections: one HTML document with its stylesheet inline, a table of
 * contents, and a Content-Security-Policy that forbids every load (scripts, styles, fonts,
 * images, frames) except the inline stylesheet, so the page cannot reach the network even if a
 * value in the store tried to.
 */
import { escapeHtml, type Html } from './html.js';
import { REPORT_CSS } from './style.js';

/** Sections in page order, for the table of contents. */
export const TOC: readonly (readonly [string, string])[] = [
  ['runs', 'Runs'],
  ['curves', 'Loss and metric curves'],
  ['batch-times', 'Batch-time distribution'],
  ['hyperparameters', 'Hyperparameters'],
  ['lineage', 'Lineage'],
  ['queries', 'Lifecycle queries (Q1–Q6)'],
  ['validation', 'Validation'],
];

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/**
 * The whole document.
 *
 * @example
 * ```ts
 * const html = page({ title: 'provml report', subtitle: ['3 runs'], sections: [runs, curves] });
 * ```
 */
export function page(p: { title: string; subtitle: readonly string[]; sections: readonly Html[] }): string {
  const toc = TOC.map(([id, name]) => `<li><a href="#${id}">${escapeHtml(name)}</a></li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="provml report">
<title>${escapeHtml(p.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<nav class="toc" aria-label="Contents"><strong>${escapeHtml(p.title)}</strong><ol>${toc}</ol></nav>
<main>
<header>
<h1>${escapeHtml(p.title)}</h1>
${p.subtitle.map((s) => `<p>${escapeHtml(s)}</p>`).join('\n')}
</header>
${p.sections.join('\n')}
</main>
</body>
</html>
`;
}
