import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hiddenDocumentationText, hiddenDocumentationTexts, openingDocstring, pythonDocstring, withoutDocumentation, withoutDocumentationInPieces } from '../../../extension/core/evaluation/hidden-text.ts';

describe('withoutDocumentation', () => {
  test('takes a JSDoc block out of the text, keeping the code', () => {
    const text = '/**\n * Counts the whole days between two dates.\n * @param from the first day\n */\nexport function daysBetween(from: Date, to: Date): number {\n  return 0;\n}';
    const docComment = '/**\n * Counts the whole days between two dates.\n * @param from the first day\n */';
    assert.equal(withoutDocumentation({ text, docComment, language: 'typescript' }), 'export function daysBetween(from: Date, to: Date): number {\n  return 0;\n}');
  });

  test('matches comment lines whatever their indentation (the doc comment is dedented, a method\'s text is not)', () => {
    const text = '    // Reports whether the token has expired.\n    func (t Token) Expired() bool {\n        return false\n    }';
    const hidden = withoutDocumentation({ text, docComment: '// Reports whether the token has expired.', language: 'go' });
    assert.equal(hidden, '    func (t Token) Expired() bool {\n        return false\n    }');
  });

  test('comments split by a decorator are both taken out; the decorator stays', () => {
    const text = '# Loads the rows.\n@cached\n# Returns a list.\ndef load(path):\n    return []';
    assert.equal(withoutDocumentation({ text, docComment: '# Loads the rows.\n# Returns a list.', language: 'python' }), '@cached\ndef load(path):\n    return []');
  });

  test('Python: the docstring goes too, single-line or multi-line, with a prefix', () => {
    const single = 'def area(radius):\n    """Area of a circle with the given radius."""\n    return 3.14 * radius * radius';
    assert.equal(withoutDocumentation({ text: single, docComment: undefined, language: 'python' }), 'def area(radius):\n    return 3.14 * radius * radius');
    const multi = '# Geometry helper.\ndef area(\n    radius,\n):\n    r"""\n    Area of a circle.\n\n    Args:\n        radius: the radius\n    """\n    return 3.14 * radius * radius';
    assert.equal(withoutDocumentation({ text: multi, docComment: '# Geometry helper.', language: 'python' }), 'def area(\n    radius,\n):\n    return 3.14 * radius * radius');
  });

  test('a docstring is only taken out of Python, and only when it opens the body', () => {
    const later = 'def f():\n    x = 1\n    """not a docstring"""\n    return x';
    assert.equal(withoutDocumentation({ text: later, docComment: undefined, language: 'python' }), later);
    const typescript = 'function f() {\n  """not python""";\n}';
    assert.equal(withoutDocumentation({ text: typescript, docComment: undefined, language: 'typescript' }), typescript);
  });

  test('undefined when the doc comment is not in the text, or nothing but documentation is left', () => {
    assert.equal(withoutDocumentation({ text: 'function f() {}', docComment: '/** Something else entirely. */', language: 'typescript' }), undefined);
    assert.equal(withoutDocumentation({ text: '// Only a comment here.', docComment: '// Only a comment here.', language: 'go' }), undefined);
  });
});

test('hiddenDocumentationText is embeddingText of the chunk without its documentation', () => {
  const chunk = {
    path: 'src/dates.ts',
    scope: ['Calendar'],
    signature: 'daysBetween(from: Date, to: Date): number',
    part: undefined,
    language: 'typescript',
    docComment: '/** Counts the whole days between two dates. */',
    text: '/** Counts the whole days between two dates. */\ndaysBetween(from: Date, to: Date): number {\n  return 0;\n}',
  };
  assert.equal(hiddenDocumentationText(chunk), 'path: src/dates.ts\nscope: Calendar\n\ndaysBetween(from: Date, to: Date): number {\n  return 0;\n}');
});

test('pythonDocstring reads the docstring without its quotes', () => {
  assert.equal(pythonDocstring('def f():\n    """Sum of the squares of the values."""\n    pass'), 'Sum of the squares of the values.');
  assert.equal(pythonDocstring("class A:\n    '''\n    A shopping cart.\n    '''\n    pass"), 'A shopping cart.');
  assert.equal(pythonDocstring('def f():\n    pass'), undefined);
});

describe('withoutDocumentationInPieces: a split declaration', () => {
  // requests' parse_list_header as USE lite's 128-token window cuts it: the attribution comment and the
  // docstring's opening in the first piece, the docstring going on over two more.
  const piece = (startLine: number, text: string) => ({ text, startLine, endLine: startLine + text.split('\n').length - 1, docComment: '# From mitsuhiko/werkzeug (used with permission).', language: 'python' });
  const pieces = [
    piece(364, '# From mitsuhiko/werkzeug (used with permission).\ndef parse_list_header(value):\n    """Parse lists as described by RFC 2068 Section 2.\n\n    In particular, parse comma-separated lists where the elements of'),
    piece(368, '    In particular, parse comma-separated lists where the elements of\n    the list may include quoted-strings.\n\n    :param value: a string with a list header.\n    :return: :class:`list`\n    """'),
    // Shares the closing quotes' line with the piece before: still docstring, though the scan has closed it.
    piece(373, '    """\n    result = []\n    for item in _parse_list_header(value):'),
    piece(376, '        if item[:1] == item[-1:] == \'"\':\n            item = unquote_header_value(item[1:-1])\n        result.append(item)\n    return result'),
  ];

  test('the docstring is hidden over every piece it runs through; shared lines are decided once', () => {
    const hidden = withoutDocumentationInPieces(pieces)!;
    assert.equal(hidden[0], 'def parse_list_header(value):');
    assert.equal(hidden[1], undefined, 'a piece of nothing but docstring is left out');
    assert.equal(hidden[2], '    result = []\n    for item in _parse_list_header(value):');
    assert.equal(hidden[3], pieces[3]!.text);
    const texts = hiddenDocumentationTexts(pieces.map((entry, index) => ({ ...entry, path: 'utils.py', scope: [], signature: 'parse_list_header(value)', part: { index, count: 4 } })))!;
    assert.ok(texts.every((text) => text === undefined || !/RFC 2068|werkzeug|:param/.test(text)));
  });

  test('a doc comment may run over pieces too; one that is not there leaves the declaration out', () => {
    const comment = '/**\n * Counts the whole days\n * between two dates.\n */';
    const split = [
      { text: '/**\n * Counts the whole days', startLine: 1, endLine: 2, docComment: comment, language: 'typescript' },
      { text: ' * between two dates.\n */\nfunction daysBetween(a, b) {\n  return 0;\n}', startLine: 3, endLine: 7, docComment: comment, language: 'typescript' },
    ];
    assert.deepEqual(withoutDocumentationInPieces(split), [undefined, 'function daysBetween(a, b) {\n  return 0;\n}']);
    assert.equal(withoutDocumentationInPieces([{ ...split[1]!, docComment: '/** Something else. */' }]), undefined);
  });
});

test('openingDocstring: a docstring the piece cuts off is returned as cut', () => {
  assert.deepEqual(openingDocstring('def f():\n    """Reads the rows.\n\n    Then sorts'), { text: 'Reads the rows.\n\n    Then sorts', cut: true });
  assert.deepEqual(openingDocstring('def f():\n    """Reads the rows."""\n    return 1'), { text: 'Reads the rows.', cut: false });
  assert.equal(openingDocstring('# a comment ending in a colon:\nx = "not a docstring"'), undefined);
});
