import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { VERSION } from '../../cli/version.js';
import { INPUT_REFERENCE, loadJobs, templateDocuments, templateText } from './template.js';

const REPORT = 'keyless-secret-detection';
const CHECK = 'keyless-secret-check';
const NOTE = 'keyless-secret-mr-note';

describe('gitlab/templates/secret-detection.yml', () => {
  it('is a spec document then a configuration document, both valid YAML', () => {
    const docs = parseAllDocuments(templateText());
    expect(docs).toHaveLength(2);
    for (const doc of docs) expect(doc.errors).toEqual([]);
    const { spec } = templateDocuments();
    expect(Object.keys(spec)).toEqual(['inputs']);
    expect(Object.keys(spec.inputs).sort()).toEqual(
      [
        'allow-failure',
        'baseline',
        'config',
        'fail-on',
        'image',
        'mr-note',
        'package',
        'scan-path',
        'stage',
      ].sort(),
    );
  });

  it('references only declared inputs, and uses every input it declares', () => {
    const { spec, body } = templateDocuments();
    const used = new Set([...body.matchAll(INPUT_REFERENCE)].map((m) => m[1]));
    expect([...used].filter((name) => name !== undefined && !(name in spec.inputs))).toEqual([]);
    expect(Object.keys(spec.inputs).filter((name) => !used.has(name))).toEqual([]);
    // Nothing input-like that the reference pattern would miss (a typo such as `$[[inputs.x]`).
    expect(body.replace(INPUT_REFERENCE, '').includes('$[[')).toBe(false);
  });

  it('declares defaults that work without inputs (plain include), matching their types and options', () => {
    const { spec } = templateDocuments();
    for (const [name, input] of Object.entries(spec.inputs)) {
      expect({ name, hasDefault: 'default' in input }).toEqual({ name, hasDefault: true });
      if (input.type === 'boolean') expect(typeof input.default).toBe('boolean');
      if (input.options) expect(input.options).toContain(input.default);
      expect(typeof input.description).toBe('string');
    }
    expect(spec.inputs['package']?.default).toBe(`keyless@${VERSION}`);
    expect(spec.inputs['mr-note']?.default).toBe(false);
    expect(spec.inputs['fail-on']?.options).toEqual(['critical', 'high', 'medium', 'low', 'none']);
  });

  it('has a report job that never fails on findings and publishes both reports', () => {
    const jobs = loadJobs();
    const report = jobs[REPORT];
    const script = (report?.script ?? []).join('\n');
    expect(script).toContain('--fail-on none');
    expect(script).toContain('--format gitlab --output gl-secret-detection-report.json');
    expect(script).toContain('--report codequality=gl-code-quality-report.json');
    expect(script).toContain('--range "$CI_MERGE_REQUEST_DIFF_BASE_SHA..$CI_COMMIT_SHA" --deepen');
    expect(script).toContain('--range "$CI_COMMIT_BEFORE_SHA..$CI_COMMIT_SHA" --deepen');
    expect(report?.['artifacts']).toEqual({
      when: 'always',
      paths: ['gl-secret-detection-report.json', 'gl-code-quality-report.json'],
      reports: {
        secret_detection: 'gl-secret-detection-report.json',
        codequality: 'gl-code-quality-report.json',
      },
    });
    expect(report?.before_script?.some((line) => line.includes('npm install --global'))).toBe(true);
  });

  it('blocks in a separate job that needs the report job and its artifacts', () => {
    const jobs = loadJobs();
    for (const name of [CHECK, NOTE]) {
      expect(jobs[name]?.['needs']).toEqual([{ job: REPORT, artifacts: true }]);
      expect(jobs[name]?.variables?.['GIT_STRATEGY']).toBe('none');
    }
    expect(jobs[CHECK]?.script).toEqual([
      'keyless gitlab check --report gl-secret-detection-report.json --fail-on "$KEYLESS_FAIL_ON"',
    ]);
    expect(jobs[NOTE]?.['allow_failure']).toBe(true);
    expect(jobs[REPORT]?.['needs']).toBeUndefined();
  });

  it('applies inputs to every job, and the MR note rule follows the mr-note input', () => {
    const custom = loadJobs({ stage: 'security', image: 'node:22', 'allow-failure': true, 'mr-note': true });
    for (const name of [REPORT, CHECK, NOTE]) {
      expect(custom[name]?.['stage']).toBe('security');
      expect(custom[name]?.['image']).toBe('node:22');
    }
    expect(custom[REPORT]?.['allow_failure']).toBe(true);
    expect(custom[CHECK]?.['allow_failure']).toBe(true);
    const noteRule = (jobs: ReturnType<typeof loadJobs>): unknown =>
      (jobs[NOTE]?.['rules'] as Array<{ if?: string }>).at(-1)?.if;
    expect(noteRule(custom)).toBe('$KEYLESS_MR_NOTE == "true" || "true" == "true"');
    expect(noteRule(loadJobs())).toBe('$KEYLESS_MR_NOTE == "true" || "false" == "true"');
    const defaults = loadJobs();
    expect(defaults[REPORT]?.['allow_failure']).toBe(false);
    expect(defaults[REPORT]?.variables).toMatchObject({
      KEYLESS_INPUT_PACKAGE: `keyless@${VERSION}`,
      KEYLESS_INPUT_FAIL_ON: 'low',
      KEYLESS_INPUT_SCAN_PATH: '.',
    });
  });

  it('lets KEYLESS_DISABLED turn every job off and runs the note only in merge request pipelines', () => {
    const jobs = loadJobs();
    for (const name of [REPORT, CHECK, NOTE]) {
      expect((jobs[name]?.['rules'] as unknown[])[0]).toEqual({
        if: '$KEYLESS_DISABLED == "true"',
        when: 'never',
      });
    }
    expect((jobs[NOTE]?.['rules'] as unknown[])[1]).toEqual({
      if: '$CI_MERGE_REQUEST_IID == null',
      when: 'never',
    });
  });
});
