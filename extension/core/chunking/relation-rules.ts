// Relations: calls, imports and declared names. Node types differ between grammars (a query naming a type its
// grammar lacks does not compile), so each language has its own query; the test suite compiles every one.

import type { Node } from 'web-tree-sitter';
import { field, namedChildrenOf, type RelationRules } from './rule-types.ts';
import type { SyntaxLanguageId } from './types.ts';


/** A declared name only counts when it is a plain identifier (destructuring patterns are left out). */
const identifierTypes: ReadonlySet<string> = new Set(['identifier', 'type_identifier', 'constant', 'name', 'field_identifier']);

function identifierNode(node: Node | undefined): Node[] {
  return node !== undefined && identifierTypes.has(node.type) ? [node] : [];
}

/** Names in the `name` field of the children of `node` that have one of `types` (Go `const_spec`, JS declarators). */
function specNames(node: Node, types: ReadonlySet<string>): Node[] {
  const names: Node[] = [];
  for (const child of namedChildrenOf(node)) {
    if (!types.has(child.type)) continue;
    // Go allows `const a, b = 1, 2`: every `name` field of the spec.
    for (const name of child.childrenForFieldName('name')) if (name !== null) names.push(...identifierNode(name));
  }
  return names;
}

const javaScriptDeclarators: ReadonlySet<string> = new Set(['variable_declarator']);

function javaScriptDeclaredNames(node: Node): Node[] {
  switch (node.type) {
    case 'lexical_declaration':
    case 'variable_declaration':
      return specNames(node, javaScriptDeclarators);
    case 'export_statement': {
      const inner = field(node, 'declaration');
      return inner === undefined ? [] : javaScriptDeclaredNames(inner);
    }
    case 'type_alias_declaration':
    case 'interface_declaration':
    case 'enum_declaration':
    case 'function_declaration':
    case 'class_declaration':
      return identifierNode(field(node, 'name'));
    default:
      return [];
  }
}

function pythonDeclaredNames(node: Node): Node[] {
  if (node.type !== 'expression_statement') return [];
  const assignment = namedChildrenOf(node)[0];
  return assignment?.type === 'assignment' ? identifierNode(field(assignment, 'left')) : [];
}

const goSpecs: ReadonlySet<string> = new Set(['const_spec', 'var_spec', 'type_spec']);

function goDeclaredNames(node: Node): Node[] {
  switch (node.type) {
    case 'const_declaration':
    case 'var_declaration':
    case 'type_declaration': {
      // Grouped declarations (`const ( … )`) keep their specs in a list node.
      const names = specNames(node, goSpecs);
      for (const child of namedChildrenOf(node)) if (child.type.endsWith('_spec_list')) names.push(...specNames(child, goSpecs));
      return names;
    }
    default:
      return [];
  }
}

function namedFieldDeclaredNames(types: ReadonlySet<string>): (node: Node) => Node[] {
  return (node) => (types.has(node.type) ? identifierNode(field(node, 'name')) : []);
}

const javaScriptCalls = `
(call_expression function: [(identifier) @call.bare (member_expression property: [(property_identifier) (private_property_identifier)] @call)])
(new_expression constructor: [(identifier) @call.bare (member_expression property: (property_identifier) @call)])
(import_statement source: (string (string_fragment) @import.module))
(import_specifier name: (identifier) @import.name)
(import_clause (identifier) @import.name)
(export_statement source: (string (string_fragment) @import.module))
(call_expression function: (identifier) @_function arguments: (arguments . (string (string_fragment) @import.module)) (#eq? @_function "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import.module)))
`;

// JSX: a component used as an element is a call of it (lower-case names are HTML elements).
const jsxCalls = `
(jsx_opening_element name: (identifier) @call (#match? @call "^[A-Z]"))
(jsx_self_closing_element name: (identifier) @call (#match? @call "^[A-Z]"))
`;

const typeScriptImports = `
(import_require_clause source: (string (string_fragment) @import.module))
`;

const javaScriptIgnored: ReadonlySet<string> = new Set([
  'require', 'super', 'Array', 'Boolean', 'Date', 'Error', 'Map', 'Number', 'Object', 'Promise', 'RegExp', 'Set', 'String',
  'Symbol', 'TypeError', 'RangeError', 'WeakMap', 'WeakSet', 'parseInt', 'parseFloat', 'isNaN', 'setTimeout', 'clearTimeout',
]);

const pythonCalls = `
(call function: [(identifier) @call.bare (attribute attribute: (identifier) @call)])
(import_statement name: [(dotted_name) @import.module (aliased_import name: (dotted_name) @import.module)])
(import_from_statement module_name: [(dotted_name) (relative_import)] @import.module)
(import_from_statement name: [(dotted_name) @import.name (aliased_import name: (dotted_name) @import.name)])
`;

const pythonIgnored: ReadonlySet<string> = new Set([
  'print', 'len', 'str', 'int', 'float', 'bool', 'bytes', 'list', 'dict', 'set', 'tuple', 'frozenset', 'range', 'enumerate',
  'zip', 'map', 'filter', 'sorted', 'reversed', 'min', 'max', 'sum', 'any', 'all', 'abs', 'round', 'isinstance', 'issubclass',
  'getattr', 'setattr', 'hasattr', 'delattr', 'type', 'super', 'repr', 'hash', 'id', 'iter', 'next', 'open', 'vars', 'callable',
]);

// `super().__init__()` names no particular class: every class has one.
const pythonIgnoredMembers: ReadonlySet<string> = new Set(['__init__', '__new__', '__init_subclass__']);

const goCalls = `
(call_expression function: [(identifier) @call.bare (selector_expression field: (field_identifier) @call)])
(composite_literal type: [(type_identifier) @call (qualified_type name: (type_identifier) @call)])
(import_spec path: (interpreted_string_literal) @import.module)
`;

const goIgnored: ReadonlySet<string> = new Set([
  'len', 'cap', 'make', 'new', 'append', 'copy', 'delete', 'panic', 'recover', 'print', 'println', 'close', 'complex', 'real',
  'imag', 'min', 'max', 'clear',
]);

const rustCalls = `
(call_expression function: [(identifier) @call.bare (field_expression field: (field_identifier) @call) (scoped_identifier name: (identifier) @call)])
(use_declaration argument: (_) @import.module)
`;

const javaCalls = `
(method_invocation name: (identifier) @call)
(object_creation_expression type: (type_identifier) @call)
(import_declaration (scoped_identifier) @import.module)
`;

const cCalls = `
(call_expression function: [(identifier) @call.bare (field_expression field: (field_identifier) @call)])
(preproc_include path: (_) @import.module)
`;

const cppCalls = `
(call_expression function: [(identifier) @call.bare (field_expression field: (field_identifier) @call) (qualified_identifier name: (identifier) @call)])
(new_expression type: (type_identifier) @call)
(preproc_include path: (_) @import.module)
`;

const cIgnored: ReadonlySet<string> = new Set(['sizeof', 'printf', 'fprintf', 'malloc', 'free', 'memcpy', 'memset', 'strlen', 'assert']);

const cSharpCalls = `
(invocation_expression function: [(identifier) @call.bare (member_access_expression name: (identifier) @call)])
(object_creation_expression type: (identifier) @call)
(using_directive [(identifier) (qualified_name)] @import.module)
`;

const rubyCalls = `
(call !receiver method: (identifier) @call.bare)
(call receiver: (_) method: (identifier) @call)
(call method: (identifier) @_function arguments: (argument_list (string (string_content) @import.module)) (#any-of? @_function "require" "require_relative"))
`;

const rubyIgnored: ReadonlySet<string> = new Set(['require', 'require_relative', 'new', 'puts', 'attr_reader', 'attr_accessor', 'attr_writer', 'include', 'extend', 'raise']);

const phpCalls = `
(function_call_expression function: (name) @call.bare)
(member_call_expression name: (name) @call)
(scoped_call_expression name: (name) @call)
(object_creation_expression (name) @call)
(namespace_use_clause (qualified_name) @import.module)
`;

const noDeclaredNames = (): Node[] => [];

function relationRules(
  query: string,
  ignoredCalls: ReadonlySet<string>,
  declaredNames: (node: Node) => Node[] = noDeclaredNames,
  ignoredMemberCalls: ReadonlySet<string> = new Set(),
): RelationRules {
  return { query, ignoredCalls, ignoredMemberCalls, declaredNames };
}

const cDeclaredNames = namedFieldDeclaredNames(new Set(['preproc_def', 'preproc_function_def']));

/** How calls and imports are found in each language's trees. */
export const relationRulesByLanguage: Readonly<Record<SyntaxLanguageId, RelationRules>> = {
  typescript: relationRules(javaScriptCalls + typeScriptImports, javaScriptIgnored, javaScriptDeclaredNames),
  tsx: relationRules(javaScriptCalls + jsxCalls + typeScriptImports, javaScriptIgnored, javaScriptDeclaredNames),
  javascript: relationRules(javaScriptCalls + jsxCalls, javaScriptIgnored, javaScriptDeclaredNames),
  python: relationRules(pythonCalls, pythonIgnored, pythonDeclaredNames, pythonIgnoredMembers),
  go: relationRules(goCalls, goIgnored, goDeclaredNames),
  rust: relationRules(rustCalls, new Set(), namedFieldDeclaredNames(new Set(['const_item', 'static_item', 'type_item']))),
  java: relationRules(javaCalls, new Set()),
  c: relationRules(cCalls, cIgnored, cDeclaredNames),
  cpp: relationRules(cppCalls, cIgnored, cDeclaredNames),
  csharp: relationRules(cSharpCalls, new Set()),
  ruby: relationRules(rubyCalls, rubyIgnored),
  php: relationRules(phpCalls, new Set()),
};
