import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headingText, qualifiedResultName, resultName, shownHeading } from '../../../extension/core/text/result-names.ts';

test('a heading loses its trailing attribute list, and nothing else', () => {
  assert.equal(headingText('Request Body { #request-body }'), 'Request Body');
  assert.equal(headingText('Options {: .class #id }'), 'Options');
  assert.equal(headingText('Using {braces} in JSX'), 'Using {braces} in JSX', 'braces that are not an attribute list stay');
  assert.equal(headingText('{ #only-an-anchor }'), '{ #only-an-anchor }', 'a heading that is only an anchor keeps it rather than vanish');
});

test('a heading is shown without empty HTML anchors, links and strong emphasis; code spans and an anchor-only heading stay', () => {
  assert.equal(shownHeading('<a name="flat-eslint"></a> `FlatESLint` is now `ESLint`'), '`FlatESLint` is now `ESLint`');
  assert.equal(shownHeading('Install <span id="setup"></span> it { #install }'), 'Install it');
  assert.equal(shownHeading('Use <kbd>Ctrl</kbd> and <br/> keys'), 'Use <kbd>Ctrl</kbd> and keys', 'an element with content is text');
  assert.equal(shownHeading('<a id="only"></a>'), '<a id="only"></a>', 'a heading that is only an anchor keeps it rather than vanish');
  assert.equal(shownHeading('Type hints in **FastAPI** { #type-hints-in-fastapi }'), 'Type hints in FastAPI');
  assert.equal(shownHeading('[Manage Issues](manage-issues)'), 'Manage Issues');
  assert.equal(shownHeading('Pass `**kwargs` and `[a](b)` on'), 'Pass `**kwargs` and `[a](b)` on', 'code spans stay as written');
  assert.equal(shownHeading('Using **kwargs'), 'Using **kwargs', 'an unpaired marker stays');
  const section = { kind: 'section', symbol: '<a name="remove-cliengine"></a> The `CLIEngine` class has been removed', scope: ['Migrating to v8.0.0', '<a name="remove-cliengine"></a> The `CLIEngine` class has been removed'] };
  assert.equal(qualifiedResultName(section), 'Migrating to v8.0.0 › The `CLIEngine` class has been removed');
  assert.equal(qualifiedResultName({ kind: 'function', symbol: 'f', scope: ['<a name="x"></a>'] }), '<a name="x"></a>.f', 'only headings are cleaned');
});

test('a section is named by its heading path once, without anchors (as stored, FastAPI headings read twice)', () => {
  const section = {
    kind: 'section',
    symbol: 'Number validations: greater than or equal { #number-validations-greater-than-or-equal }',
    scope: ['Path Parameters and Numeric Validations { #path-parameters-and-numeric-validations }', 'Number validations: greater than or equal { #number-validations-greater-than-or-equal }'],
  };
  assert.deepEqual(resultName(section), { symbol: 'Number validations: greater than or equal', scope: ['Path Parameters and Numeric Validations'] });
  assert.equal(qualifiedResultName(section), 'Path Parameters and Numeric Validations › Number validations: greater than or equal');
});

test('code keeps its scopes and dotted name; a result without a symbol has no qualified name', () => {
  assert.equal(qualifiedResultName({ kind: 'method', symbol: 'request', scope: ['Session'] }), 'Session.request');
  assert.equal(qualifiedResultName({ kind: 'method', symbol: 'parse', scope: ['Parser', 'parse'] }), 'Parser.parse', 'a scope ending in the symbol is not repeated');
  assert.equal(qualifiedResultName({ kind: 'window', symbol: undefined, scope: [] }), undefined);
  assert.equal(qualifiedResultName({ kind: 'function', symbol: 'f { #x }', scope: [] }), 'f { #x }', 'only headings are cleaned');
});
