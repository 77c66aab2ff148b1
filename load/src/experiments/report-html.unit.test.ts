import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inlineSvg, markdownToHtml, reportHtml } from './report-html';

describe('report.html', () => {
  test('When the report has headings, a table, a list and emphasis, then each becomes its HTML element, escaped', () => {
    const markdown = [
      '# Experiments',
      '',
      '## Main table',
      '',
      '| configuration | breaks at |',
      '| --- | --- |',
      '| C1 | **400** <b> |',
      '',
      '- upstream `orders`: *least_conn*',
    ].join('\n');

    const html = markdownToHtml(markdown, () => '');

    expect(html).toContain('<h1>Experiments</h1>');
    expect(html).toContain(
      '<table><thead><tr><th>configuration</th><th>breaks at</th></tr></thead><tbody><tr><td>C1</td><td><strong>400</strong> &lt;b&gt;</td></tr></tbody></table>',
    );
    expect(html).toContain('<ul><li>upstream <code>orders</code>: <em>least_conn</em></li></ul>');
  });

  test('When a chart is referenced, then its SVG is inline, without the prolog or namespace URLs, and nothing is fetched', () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
    writeFileSync(
      join(dir, 'c1.svg'),
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10"><rect/></svg>',
    );

    // Act
    const html = reportHtml('# Run\n\n![C1 over time](c1.svg)\n\n![gone](missing.svg)', dir);

    // Assert
    expect(html).toContain(
      '<figure><svg width="10"><rect/></svg><figcaption>C1 over time</figcaption></figure>',
    );
    expect(html).toContain('(gone: missing.svg missing)');
    expect(html).not.toMatch(/https?:\/\//);
  });

  test('When an SVG is inlined, then only its prolog and xmlns attributes go', () => {
    expect(inlineSvg('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" class="a"/>')).toBe(
      '<svg class="a"/>',
    );
  });
});
