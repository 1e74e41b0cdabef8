// The pure pieces of the migration report and calibration: queries from doc comments, perturbed
// copies of code, histograms, percentiles and the verdict.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { percentile, perturbCode } from '../../../extension/core/migration/calibration.ts';
import { declarationKey, docCommentQuery, histogram, qualityDropped, type MigrationReport } from '../../../extension/core/migration/report.ts';

describe('docCommentQuery', () => {
  test('takes the first sentence of a JSDoc block, without markers, markup or tags', () => {
    const comment = '/**\n * Parses the {@link Header} of a `request` and returns it. Throws on bad input.\n *\n * @param data the bytes\n */';
    assert.equal(docCommentQuery(comment), 'Parses the Header of a request and returns it.');
  });

  test('reads line comments of Go, Python, Rust and C#', () => {
    assert.equal(docCommentQuery('// SortUsersByAge orders users from youngest to oldest.'), 'SortUsersByAge orders users from youngest to oldest.');
    assert.equal(docCommentQuery('# Reads the sales spreadsheet\n# exported as CSV.\n# More detail here.'), 'Reads the sales spreadsheet exported as CSV.');
    assert.equal(docCommentQuery('/// Measures the distance between two points.\n///\n/// # Examples'), 'Measures the distance between two points.');
    assert.equal(docCommentQuery('/// <summary>\n/// Opens the database connection.\n/// </summary>'), 'Opens the database connection.');
  });

  test('stops at the first paragraph and at tag lines; too short is no query', () => {
    assert.equal(docCommentQuery('/**\n * Loads the cache from disk\n *\n * second paragraph\n */'), 'Loads the cache from disk');
    assert.equal(docCommentQuery('/** @deprecated use load instead */'), undefined);
    assert.equal(docCommentQuery('// TODO: fix'), undefined);
    assert.equal(docCommentQuery('"""Return the user\'s age in years."""'), "Return the user's age in years.");
    assert.equal(docCommentQuery('# Sums the **amount** of each `sale_row` into region_totals.'), 'Sums the amount of each sale_row into region_totals.');
  });
});

describe('perturbCode', () => {
  test('renames repeated identifiers and the chunk name consistently, leaving member accesses and keywords', () => {
    const code = 'function total(items) {\n    let sum = 0;\n    // add them up\n    for (const item of items) sum += item.price;\n\n    return sum;\n}';
    const edited = perturbCode(code, 'total')!;
    assert.equal(edited, 'function totalValue(itemsItem) {\n  let sumData = 0;\n  for (const itemInfo of itemsItem) sumData += itemInfo.price;\n  return sumData;\n}');
  });

  test('keeps the leading doc comment, snake_case stays snake_case, and unchanged code gives undefined', () => {
    const code = '# Adds two numbers.\ndef add(first_value, b):\n    return first_value + b + first_value';
    assert.equal(perturbCode(code, 'add'), '# Adds two numbers.\ndef addValue(first_value_item, b):\n  return first_value_item + b + first_value_item');
    assert.equal(perturbCode('return 1;'), undefined);
  });
});

describe('report arithmetic', () => {
  test('histogram: 40 fixed bins over [-1, 1], the last one closed', () => {
    const result = histogram([-1, -0.99, 0, 0.5, 0.999, 1]);
    assert.equal(result.edges.length, 41);
    assert.equal(result.counts.length, 40);
    assert.equal(result.counts[0], 2);
    assert.equal(result.counts[20], 1);
    assert.equal(result.counts[30], 1);
    assert.equal(result.counts[39], 2);
    assert.equal(result.total, 6);
    assert.equal(histogram([]).mean, undefined);
  });

  test('percentile interpolates between sorted values', () => {
    assert.equal(percentile([0, 1, 2, 3, 4], 0.5), 2);
    assert.equal(percentile([0, 1], 0.25), 0.25);
    assert.equal(percentile([7], 0.99), 7);
  });

  test('declarationKey: the pieces of a function and the whole function are one result', () => {
    const whole = { path: 'a.ts', kind: 'function', scope: [], symbol: 'parse', signature: 'parse(x)', startLine: 1, endLine: 40 };
    assert.equal(declarationKey({ ...whole, startLine: 20, endLine: 40 }), declarationKey(whole));
    assert.notEqual(declarationKey({ ...whole, symbol: undefined }), declarationKey({ ...whole, symbol: undefined, startLine: 41 }));
  });

  test('qualityDropped compares MRR@10 with an absolute margin', () => {
    const report = (from: number | undefined, to: number) =>
      ({ quality: { queries: 10, from: from === undefined ? undefined : { recallAt10: 1, mrrAt10: from }, to: { recallAt10: 1, mrrAt10: to } } }) as MigrationReport;
    assert.equal(qualityDropped(report(0.8, 0.7), 0.05), true);
    assert.equal(qualityDropped(report(0.8, 0.76), 0.05), false);
    assert.equal(qualityDropped(report(0.5, 0.9), 0), false);
    assert.equal(qualityDropped(report(undefined, 0.1), 0), false);
  });
});
