import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * report.html: report.md as one self-contained page (every chart's SVG inline, the style in the page, no URL to
 * fetch), so it opens offline and prints as is; report.pdf: that page printed by headless Chromium through
 * playwright-core when a Chromium is installed (CHROMIUM_PATH, default Debian's /usr/bin/chromium).
 */

const STYLE = `
body { font: 13px/1.45 system-ui, sans-serif; max-width: 1100px; margin: 1.5em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; margin-top: 1.6em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: .6em 0; font-size: 11px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
code { background: #f4f4f4; padding: 0 3px; border-radius: 3px; }
figure { margin: .8em 0; } figure svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; } h2, h3 { break-after: avoid; } figure, tr { break-inside: avoid; } }
`;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Inline markdown of the report: code, bold, emphasis (after escaping). */
export function inline(text: string): string {
  return escape(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
}

/** An SVG file's markup to put in the page: the XML prolog and namespace declarations are not needed inline. */
export function inlineSvg(svg: string): string {
  return svg.replace(/<\?xml[^>]*>/, '').replace(/\s+xmlns(:\w+)?="[^"]*"/g, '');
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());

/** The report's markdown (headings, tables, lists, paragraphs, images) as HTML; `image` supplies an image's markup. */
export function markdownToHtml(markdown: string, image: (file: string, alt: string) => string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^(#{1,4}) (.*)$/.exec(line);
    const picture = /^!\[([^\]]*)\]\(([^)]+)\)$/.exec(line.trim());
    if (heading) out.push(`<h${heading[1]!.length}>${inline(heading[2]!)}</h${heading[1]!.length}>`);
    else if (picture) out.push(`<figure>${image(picture[2]!, picture[1]!)}</figure>`);
    else if (line.startsWith('|') && lines[i + 1]?.startsWith('| ---')) {
      const head = cells(line);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
      i--;
      out.push(
        `<table><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>` +
          rows.map((row) => `<tr>${row.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('') +
          '</tbody></table>',
      );
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('- '); i++)
        items.push(`<li>${inline(lines[i]!.slice(2))}</li>`);
      i--;
      out.push(`<ul>${items.join('')}</ul>`);
    } else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  return out.join('\n');
}

export function reportHtml(markdown: string, dir: string): string {
  const title = /^# (.*)$/m.exec(markdown)?.[1] ?? 'Experiments';
  const body = markdownToHtml(markdown, (file, alt) => {
    const path = join(dir, file);
    if (!file.endsWith('.svg') || !existsSync(path))
      return `<p>(${escape(alt)}: ${escape(file)} missing)</p>`;
    return `${inlineSvg(readFileSync(path, 'utf8'))}<figcaption>${escape(alt)}</figcaption>`;
  });
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

/** Writes report.html, and report.pdf when Chromium is installed; returns what it did, for the run's output. */
export async function writeHtmlAndPdf(markdown: string, dir: string): Promise<string> {
  const htmlPath = join(dir, 'report.html');
  const html = reportHtml(markdown, dir);
  writeFileSync(htmlPath, html);
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium))
    return `report.html written; report.pdf not written: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`;
  const { chromium: launcher } = await import('playwright-core');
  const browser = await launcher.launch({
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({
      path: join(dir, 'report.pdf'),
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
    });
  } finally {
    await browser.close();
  }
  return `report.html and report.pdf written (PDF by ${chromium})`;
}
