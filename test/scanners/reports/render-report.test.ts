import { describe, expect, it } from '@jest/globals';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../../../scanners/reports/index.js';
import type { ReportFormat } from '../../../scanners/reports/index.js';
import { redact } from '../../../scanners/reports/redact.js';
import { ALL_FINDINGS, awkwardFinding, dirFinding, makeMeta, SECRETS, secretPieces } from './fixtures.js';
import { gitlabValidator, sarifValidator } from './schemas.js';

const validators = { sarif: sarifValidator(), gitlab: gitlabValidator() };

function renderAll(findings = ALL_FINDINGS, meta = makeMeta()): Array<[ReportFormat, string]> {
  return REPORT_FORMATS.map((format) => [format, renderReport(format, findings, meta, { color: true })]);
}

describe('renderReport', () => {
  it('dispatches every format', () => {
    const outputs = renderAll();
    expect(outputs.map(([format]) => format)).toEqual([
      'text',
      'json',
      'sarif',
      'gitlab',
      'markdown',
      'codequality',
    ]);
    const [text, json, sarif, gitlab, markdown, codequality] = outputs.map(([, output]) => output);
    expect(text).toContain('CRITICAL');
    expect(JSON.parse(json ?? '').version).toBe(1);
    expect(JSON.parse(sarif ?? '').version).toBe('2.1.0');
    expect(JSON.parse(gitlab ?? '').version).toBe('15.2.4');
    expect(markdown).toContain('| Severity |');
    expect(JSON.parse(codequality ?? '')[0].check_name).toMatch(/^keyless\//);
    expect(isReportFormat('sarif')).toBe(true);
    expect(isReportFormat('xml')).toBe(false);
  });

  it('never renders any piece of a raw secret, in any format', () => {
    const pieces = secretPieces(ALL_FINDINGS);
    for (const [format, output] of renderAll()) {
      for (const secret of Object.values(SECRETS))
        expect({ format, leaked: output.includes(secret) }).toEqual({ format, leaked: false });
      const leaked = pieces.filter((piece) => output.includes(piece));
      expect({ format, leaked }).toEqual({ format, leaked: [] });
    }
  });

  it('recomputes a preview that would reveal too much', () => {
    const careless = { ...dirFinding, redacted: `${dirFinding.secret.slice(0, 12)}…` };
    for (const [format, output] of renderAll([careless])) {
      expect({ format, leaked: output.includes(dirFinding.secret.slice(0, 8)) }).toEqual({
        format,
        leaked: false,
      });
      expect({ format, safe: output.includes(redact(dirFinding.secret)) }).toEqual({ format, safe: true });
    }
  });

  it('scrubs a secret that reached a warning or a skipped-file detail', () => {
    const meta = makeMeta({
      warnings: [`unexpected token near ${SECRETS.github} in config`, `bad escape ${SECRETS.awkward}`],
      skipped: [{ path: `tmp/${SECRETS.aws}.bin`, reason: 'binary', detail: SECRETS.aws }],
    });
    for (const [format, output] of renderAll(ALL_FINDINGS, meta)) {
      const leaked = secretPieces([dirFinding, awkwardFinding]).filter((piece) => output.includes(piece));
      expect({ format, leaked }).toEqual({ format, leaked: [] });
      expect({ format, leaked: output.includes(SECRETS.aws) }).toEqual({ format, leaked: false });
    }
    expect(validators.sarif(JSON.parse(renderReport('sarif', ALL_FINDINGS, meta)))).toBe(true);
    expect(validators.gitlab(JSON.parse(renderReport('gitlab', ALL_FINDINGS, meta)))).toBe(true);
  });

  it('gives byte-identical output for the same input in any order', () => {
    const first = renderAll();
    expect(renderAll()).toEqual(first);
    const shuffled = [
      ALL_FINDINGS[3],
      ALL_FINDINGS[0],
      ALL_FINDINGS[4],
      ALL_FINDINGS[2],
      ALL_FINDINGS[1],
    ].filter((f) => f !== undefined);
    expect(shuffled).toHaveLength(ALL_FINDINGS.length);
    expect(renderAll(shuffled)).toEqual(first);
  });

  it('does not modify its inputs', () => {
    const findings = structuredClone([...ALL_FINDINGS]);
    const meta = makeMeta();
    const before = JSON.stringify({ findings, meta });
    renderAll(findings, meta);
    expect(JSON.stringify({ findings, meta })).toBe(before);
  });
});
