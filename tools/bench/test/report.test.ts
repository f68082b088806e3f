import { describe, expect, it } from 'vitest';
import { replaceSection } from '../src/report.js';

describe('docs/performance.md sections', () => {
  const document = [
    '# Performance',
    '',
    '<!-- bench:record -->',
    'old record',
    '<!-- /bench:record -->',
    '',
    '<!-- bench:bulk -->',
    'old bulk',
    '<!-- /bench:bulk -->',
    '',
    '## Notes by hand',
    '',
  ].join('\n');

  it('replaces only the named section and keeps the others and the text around them', () => {
    const updated = replaceSection(document, 'record', '## Record\n\nnew table\n');
    expect(updated).toContain(
      '<!-- bench:record -->\n## Record\n\nnew table\n<!-- /bench:record -->',
    );
    expect(updated).not.toContain('old record');
    expect(updated).toContain('<!-- bench:bulk -->\nold bulk\n<!-- /bench:bulk -->');
    expect(updated.startsWith('# Performance\n')).toBe(true);
    expect(updated).toContain('## Notes by hand');
  });

  it('appends a section the document does not have yet, and starts an empty document', () => {
    const appended = replaceSection(document, 'latency', 'latency table');
    expect(
      appended.endsWith('<!-- bench:latency -->\nlatency table\n<!-- /bench:latency -->\n'),
    ).toBe(true);
    expect(appended).toContain('old bulk');
    expect(replaceSection('', 'memory', 'm')).toBe(
      '# Performance\n\n<!-- bench:memory -->\nm\n<!-- /bench:memory -->\n',
    );
  });
});
