/**
 * Small formatting helpers for emitted TypeScript: quoting, TSDoc blocks, line wrapping.
 * Output style: 2-space indent, single quotes, `\n` line ends, one trailing newline.
 */

/** A single-quoted TypeScript string literal. */
export function q(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\u2028|\u2029/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}'`;
}

/** Text made safe inside a `/** … *\/` block: no comment terminator, no accidental TSDoc tag. */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/@/g, '\\@').replace(/\r\n?/g, '\n');
}

/** Collapses whitespace to single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The first sentence of a text, whitespace collapsed: up to the first `.`, `!` or `?` that is
 * followed by a space and a capital letter (or ends the text), ignoring "e.g." and the like.
 */
export function firstSentence(text: string): string {
  const flat = oneLine(text);
  const end = /[.!?](?=\s+[A-Z]|$)/g;
  for (let m = end.exec(flat); m !== null; m = end.exec(flat)) {
    const before = flat.slice(0, m.index + 1);
    if (!/(\be\.g|\bi\.e|\betc|\bvs|\bcf)\.$/i.test(before)) return before;
  }
  return flat;
}

/** Greedy word wrap to `width` columns. Paragraph breaks (blank lines) are kept. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  const paragraphs = text.split(/\n\s*\n/);
  paragraphs.forEach((paragraph, i) => {
    if (i > 0) out.push('');
    let line = '';
    for (const word of oneLine(paragraph).split(' ')) {
      if (word === '') continue;
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') out.push(line);
  });
  return out;
}

/**
 * A TSDoc block at `indent`. `lines` are emitted as given (already escaped where needed); blank
 * entries become bare ` *` lines.
 */
export function docBlock(lines: readonly string[], indent = ''): string {
  if (lines.length === 1 && !lines[0]!.includes('\n')) return `${indent}/** ${lines[0]} */\n`;
  const body = lines.flatMap((l) => l.split('\n')).map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`));
  return `${indent}/**\n${body.join('\n')}\n${indent} */\n`;
}

/** The header line every generated TypeScript file starts with. */
export function header(banner: string): string {
  return `// ${banner}\n`;
}
