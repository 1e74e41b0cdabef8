// Per-language knowledge of syntax trees: which nodes are definitions, which are containers to look through
// (namespaces, modules, preprocessor conditionals), and where names and bodies sit. The traversal in syntax.ts
// is shared; only this table differs between languages.

import type { Node } from 'web-tree-sitter';
import type { SyntaxLanguageId } from './types.ts';

/** Kinds a definition can have before context decides between `function` and `method`. */
export type DefinitionKind = 'function' | 'class' | 'interface' | 'enum' | 'type' | 'impl';

/** A body node with its parent (asking web-tree-sitter for a parent walks down from the root: slow). */
export interface Body {
  node: Node;
  parent: Node;
}

/** A node that becomes a chunk of its own. */
export interface DefinitionMatch {
  type: 'definition';
  kind: DefinitionKind;
  name: string | undefined;
  /** The node that holds the body (inside wrappers such as `export`, decorators or `template`). */
  declaration: Node;
  /** The signature ends where the body starts; members of a class-like definition are read from it. */
  body: Body | undefined;
  /** Names it is declared under beyond the lexical scope: a Go receiver type, `Engine` in C++ `Engine::run`. */
  ownerScope: string[];
  /** Whether members big enough become chunks of their own (classes, impls, traits). */
  container: boolean;
  /** Overrides the signature read from the source (a C typedef names its type after the body). */
  signature?: string;
}

/** A node whose children are chunked as if they stood where it stands: a namespace, module, `#ifdef`, ERROR. */
export interface TransparentMatch {
  type: 'transparent';
  /** Pushed onto the scope of the children (namespace name), or undefined (preprocessor conditional). */
  scopeName: string | undefined;
  members: Node[];
  /** Functions directly inside are methods (a Ruby module's `def`). */
  membersAreMethods: boolean;
}

/** A statement that puts the rest of its level in a scope: C# `namespace A.B;`, PHP `namespace A\B;`. */
export interface ScopeMatch {
  type: 'scope';
  name: string;
}

export type SyntaxMatch = DefinitionMatch | TransparentMatch | ScopeMatch;

/** What syntax.ts needs to know about one language. */
export interface LanguageRules {
  /** Classifies a node found at the top level or in a body; `inClass` is true directly inside a class-like body. */
  classify(node: Node, inClass: boolean): SyntaxMatch | undefined;
  /** How calls and imports are found in this language's trees (see `RelationRules`). */
  relations: RelationRules;
}

/**
 * Calls and imports, found with one tree-sitter query per language (run in WebAssembly over the whole tree: no
 * recursion of ours, whatever the nesting). Captures: `@call` is a callee's last identifier (`a.b.parse(x)` →
 * `parse`), `@call.bare` a callee called by its name alone (only these can be builtins: `len(x)` but not `s.len()`),
 * `@import.module` a module specifier (quotes are dropped), `@import.name` an imported name; captures starting
 * with `_` only serve predicates.
 */
export interface RelationRules {
  query: string;
  /** Builtins and keywords called by their bare name that say nothing about the code (`len`, `print`, `require`). */
  ignoredCalls: ReadonlySet<string>;
  /** Methods every class has, ignored however they are called (Python's `__init__`). */
  ignoredMemberCalls: ReadonlySet<string>;
  /** Name nodes of what a statement at a chunk's level declares (`const limit = 10` → `limit`); none for most statements. */
  declaredNames(node: Node): Node[];
}

/** Comment node types across the grammars. */
export const commentTypes: ReadonlySet<string> = new Set(['comment', 'line_comment', 'block_comment']);

/** Sibling nodes that belong to the definition after them (decorators, attributes, annotations). */
export const attachmentTypes: ReadonlySet<string> = new Set([
  'decorator',
  'attribute_item',
  'attribute_list',
  'annotation',
  'marker_annotation',
]);

// Body node types that only group members and are looked through when listing them.
const inlineBodyTypes: ReadonlySet<string> = new Set(['enum_body_declarations']);

/** Non-null named children of a node. */
export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

function field(node: Node | null | undefined, name: string): Node | undefined {
  return node?.childForFieldName(name) ?? undefined;
}

function fieldText(node: Node | null | undefined, name: string): string | undefined {
  return field(node, name)?.text;
}

/**
 * The members of a body: its named children (looking through grouping nodes), plus comments that sit next to the
 * body in its parent (Ruby keeps a class's leading comment beside its body_statement).
 */
export function bodyMembers(body: Body): Node[] {
  const members: Node[] = [];
  const headerEnd = signatureEnd(body);
  for (const sibling of namedChildrenOf(body.parent)) {
    if (sibling.id === body.node.id) {
      for (const child of namedChildrenOf(body.node)) {
        if (inlineBodyTypes.has(child.type)) members.push(...namedChildrenOf(child));
        else members.push(child);
      }
    } else if (sibling.startIndex >= headerEnd && commentTypes.has(sibling.type)) {
      members.push(sibling);
    }
  }
  return members;
}

/** Where a declaration's header ends: after the last non-comment token before its body. */
export function signatureEnd(body: Body): number {
  // Stepping back over siblings is cheaper than marshalling every child of the parent.
  for (let sibling = body.node.previousSibling; sibling !== null; sibling = sibling.previousSibling) {
    if (!commentTypes.has(sibling.type)) return sibling.endIndex;
  }
  return body.node.startIndex;
}

/** The body in a field of `parent`. */
function bodyField(parent: Node | undefined, name = 'body'): Body | undefined {
  const node = field(parent, name);
  return node === undefined || parent === undefined ? undefined : { node, parent };
}

function definition(
  kind: DefinitionKind,
  declaration: Node,
  name: string | undefined,
  body: Body | undefined,
  extra: Partial<Pick<DefinitionMatch, 'ownerScope' | 'container' | 'signature'>> = {},
): DefinitionMatch {
  return {
    type: 'definition',
    kind,
    name,
    declaration,
    body,
    ownerScope: extra.ownerScope ?? [],
    container: extra.container ?? false,
    ...(extra.signature === undefined ? {} : { signature: extra.signature }),
  };
}

function transparent(scopeName: string | undefined, members: Node[], membersAreMethods = false): TransparentMatch {
  return { type: 'transparent', scopeName, members, membersAreMethods };
}

function unquote(name: string): string {
  return name.replace(/^(['"`])(.*)\1$/s, '$2');
}

// ---------------------------------------------------------------------------------------------------------------
// JavaScript, TypeScript, TSX

const functionValueTypes: ReadonlySet<string> = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
]);

function classifyJavaScript(node: Node, inClass: boolean): SyntaxMatch | undefined {
  switch (node.type) {
    case 'function_declaration':
    case 'generator_function_declaration':
      return definition('function', node, fieldText(node, 'name'), bodyField(node));
    case 'function_expression':
    case 'function':
    case 'arrow_function':
    case 'generator_function':
      // Reached only through `export default function () {}`.
      return definition('function', node, fieldText(node, 'name'), bodyField(node));
    case 'class_declaration':
    case 'abstract_class_declaration':
    case 'class':
      return definition('class', node, fieldText(node, 'name'), bodyField(node), { container: true });
    case 'interface_declaration':
      return definition('interface', node, fieldText(node, 'name'), bodyField(node));
    case 'enum_declaration':
      return definition('enum', node, fieldText(node, 'name'), bodyField(node));
    case 'type_alias_declaration':
      return definition('type', node, fieldText(node, 'name'), bodyField(node, 'value'));
    case 'lexical_declaration':
    case 'variable_declaration': {
      const declarators = namedChildrenOf(node).filter((child) => child.type === 'variable_declarator');
      if (declarators.length !== 1) return undefined;
      const declarator = declarators[0]!;
      const value = field(declarator, 'value');
      const name = fieldText(declarator, 'name');
      if (value === undefined) return undefined;
      if (functionValueTypes.has(value.type)) return definition('function', node, name, bodyField(value));
      if (value.type === 'class') return definition('class', node, name, bodyField(value), { container: true });
      return undefined;
    }
    case 'export_statement': {
      const inner = field(node, 'declaration') ?? field(node, 'value');
      if (inner === undefined) return undefined;
      const match = classifyJavaScript(inner, inClass);
      if (match?.type === 'definition' && match.name === undefined) return { ...match, name: 'default' };
      return match;
    }
    case 'expression_statement': {
      const inner = namedChildrenOf(node);
      if (inner.length === 1 && inner[0]!.type === 'internal_module') return classifyJavaScript(inner[0]!, inClass);
      return undefined;
    }
    case 'ambient_declaration': {
      const inner = namedChildrenOf(node).find((child) => !commentTypes.has(child.type));
      return inner === undefined ? undefined : classifyJavaScript(inner, inClass);
    }
    case 'internal_module':
    case 'module': {
      const body = bodyField(node);
      const name = fieldText(node, 'name');
      return body === undefined ? undefined : transparent(name === undefined ? undefined : unquote(name), bodyMembers(body));
    }
    case 'method_definition':
      return inClass ? definition('function', node, fieldText(node, 'name'), bodyField(node)) : undefined;
    case 'public_field_definition':
    case 'field_definition': {
      if (!inClass) return undefined;
      const value = field(node, 'value');
      if (value === undefined || !functionValueTypes.has(value.type)) return undefined;
      const name = fieldText(node, 'name') ?? fieldText(node, 'property');
      return definition('function', node, name, bodyField(value));
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Python

function classifyPython(node: Node): SyntaxMatch | undefined {
  switch (node.type) {
    case 'function_definition':
      return definition('function', node, fieldText(node, 'name'), bodyField(node));
    case 'class_definition':
      return definition('class', node, fieldText(node, 'name'), bodyField(node), { container: true });
    case 'decorated_definition': {
      const inner = field(node, 'definition');
      return inner === undefined ? undefined : classifyPython(inner);
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Go

/** The base name of a type expression: `*Stack[T]` → `Stack`. */
function goTypeName(type: Node | undefined): string | undefined {
  let current = type;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current.type === 'type_identifier' || current.type === 'identifier') return current.text;
    current = field(current, 'type') ?? namedChildrenOf(current)[0];
  }
  return type?.text;
}

function classifyGo(node: Node): SyntaxMatch | undefined {
  switch (node.type) {
    case 'function_declaration':
      return definition('function', node, fieldText(node, 'name'), bodyField(node));
    case 'method_declaration': {
      const receiver = namedChildrenOf(field(node, 'receiver') ?? node).find(
        (child) => child.type === 'parameter_declaration',
      );
      const owner = goTypeName(field(receiver, 'type'));
      return definition('function', node, fieldText(node, 'name'), bodyField(node), {
        ownerScope: owner === undefined ? [] : [owner],
      });
    }
    case 'type_declaration': {
      const specs = namedChildrenOf(node).filter((child) => !commentTypes.has(child.type));
      if (specs.length !== 1 || specs[0]!.type !== 'type_spec') return undefined;
      const spec = specs[0]!;
      const type = field(spec, 'type');
      const name = fieldText(spec, 'name');
      if (type?.type === 'struct_type') {
        const list = namedChildrenOf(type).find((child) => child.type === 'field_declaration_list');
        return definition('class', node, name, list === undefined ? undefined : { node: list, parent: type });
      }
      if (type?.type === 'interface_type') return definition('interface', node, name, undefined);
      return undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rust

function rustTypeName(type: Node | undefined): string | undefined {
  let current = type;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current.type === 'type_identifier' || current.type === 'primitive_type') return current.text;
    if (current.type === 'scoped_type_identifier') current = field(current, 'name');
    else current = field(current, 'type') ?? namedChildrenOf(current).at(-1);
  }
  return type?.text;
}

function classifyRust(node: Node): SyntaxMatch | undefined {
  const name = (): string | undefined => fieldText(node, 'name');
  switch (node.type) {
    case 'function_item':
      return definition('function', node, name(), bodyField(node));
    case 'struct_item':
    case 'union_item':
      return definition('class', node, name(), bodyField(node));
    case 'enum_item':
      return definition('enum', node, name(), bodyField(node));
    case 'trait_item':
      return definition('interface', node, name(), bodyField(node), { container: true });
    case 'impl_item':
      return definition('impl', node, rustTypeName(field(node, 'type')), bodyField(node), { container: true });
    case 'mod_item': {
      const body = bodyField(node);
      return body === undefined ? undefined : transparent(name(), bodyMembers(body));
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Java

function classifyJava(node: Node, inClass: boolean): SyntaxMatch | undefined {
  const name = (): string | undefined => fieldText(node, 'name');
  switch (node.type) {
    case 'class_declaration':
    case 'record_declaration':
      return definition('class', node, name(), bodyField(node), { container: true });
    case 'interface_declaration':
    case 'annotation_type_declaration':
      return definition('interface', node, name(), bodyField(node), { container: true });
    case 'enum_declaration':
      return definition('enum', node, name(), bodyField(node), { container: true });
    case 'method_declaration':
    case 'constructor_declaration':
    case 'compact_constructor_declaration':
      return inClass ? definition('function', node, name(), bodyField(node)) : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// C and C++

/** `#if`/`#ifdef`/`#else` blocks wrap the declarations inside them; their children are chunked in place. */
function preprocessorConditional(node: Node): TransparentMatch {
  const header = [field(node, 'name')?.id, field(node, 'condition')?.id];
  return transparent(undefined, namedChildrenOf(node).filter((child) => !header.includes(child.id)));
}

const declaratorWrappers: ReadonlySet<string> = new Set([
  'pointer_declarator',
  'reference_declarator',
  'parenthesized_declarator',
  'attributed_declarator',
  'function_declarator',
]);

/** Name and qualifying scope of a C/C++ function from its declarator: `*Engine::run(int)` → run in [Engine]. */
function cFunctionName(declarator: Node | undefined): { name: string | undefined; owner: string[] } {
  let current = declarator;
  for (let depth = 0; current !== undefined && depth < 16; depth++) {
    if (declaratorWrappers.has(current.type)) {
      current =
        field(current, 'declarator') ??
        namedChildrenOf(current).find((child) => child.type.endsWith('declarator') || child.type.endsWith('identifier'));
      continue;
    }
    if (current.type === 'qualified_identifier') {
      const owner: string[] = [];
      let qualified: Node | undefined = current;
      for (let part = 0; qualified?.type === 'qualified_identifier' && part < 16; part++) {
        const scope = field(qualified, 'scope');
        if (scope !== undefined) owner.push(rustTypeName(scope) ?? scope.text);
        qualified = field(qualified, 'name');
      }
      return { name: qualified?.text, owner };
    }
    return { name: current.text, owner: [] };
  }
  return { name: undefined, owner: [] };
}

const cRecordTypes: ReadonlySet<string> = new Set(['struct_specifier', 'union_specifier', 'class_specifier']);

function cTypeDefinition(
  node: Node,
  type: Node | undefined,
  cpp: boolean,
  name: string | undefined,
  signature?: string,
): DefinitionMatch | undefined {
  const body = bodyField(type);
  if (type === undefined || body === undefined) return undefined;
  const typeName = name ?? fieldText(type, 'name');
  const extra = signature === undefined ? {} : { signature };
  if (cRecordTypes.has(type.type)) return definition('class', node, typeName, body, { container: cpp, ...extra });
  if (type.type === 'enum_specifier') return definition('enum', node, typeName, body, extra);
  return undefined;
}

function classifyC(node: Node, inClass: boolean, cpp: boolean): SyntaxMatch | undefined {
  switch (node.type) {
    case 'function_definition': {
      const { name, owner } = cFunctionName(field(node, 'declarator'));
      return definition('function', node, name, bodyField(node), { ownerScope: inClass ? [] : owner });
    }
    case 'struct_specifier':
    case 'union_specifier':
    case 'class_specifier':
    case 'enum_specifier':
      return cTypeDefinition(node, node, cpp, undefined);
    case 'declaration':
      return cTypeDefinition(node, field(node, 'type'), cpp, undefined);
    case 'type_definition': {
      const type = field(node, 'type');
      const declarator = field(node, 'declarator');
      const body = bodyField(type);
      if (type === undefined || body === undefined) return undefined;
      const name = declarator === undefined ? undefined : cFunctionName(declarator).name;
      const before = node.text.slice(0, body.node.startIndex - node.startIndex).trim().replace(/\s+/g, ' ');
      const after = node.text.slice(body.node.endIndex - node.startIndex).trim().replace(/\s+/g, ' ');
      return cTypeDefinition(node, type, cpp, name, `${before} { ... } ${after}`);
    }
    case 'preproc_if':
    case 'preproc_ifdef':
    case 'preproc_else':
    case 'preproc_elif':
    case 'preproc_elifdef':
      return preprocessorConditional(node);
    case 'linkage_specification': {
      const body = bodyField(node);
      if (body === undefined) return undefined;
      return transparent(undefined, body.node.type === 'declaration_list' ? bodyMembers(body) : [body.node]);
    }
    case 'namespace_definition': {
      const body = bodyField(node);
      return body === undefined ? undefined : transparent(fieldText(node, 'name'), bodyMembers(body));
    }
    case 'template_declaration': {
      const inner = namedChildrenOf(node)
        .filter((child) => child.type !== 'template_parameter_list' && !commentTypes.has(child.type))
        .at(-1);
      const match = inner === undefined ? undefined : classifyC(inner, inClass, cpp);
      return match?.type === 'definition' ? match : undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// C#

function classifyCSharp(node: Node, inClass: boolean): SyntaxMatch | undefined {
  const name = (): string | undefined => fieldText(node, 'name');
  switch (node.type) {
    case 'class_declaration':
    case 'struct_declaration':
    case 'record_declaration':
    case 'record_struct_declaration':
      return definition('class', node, name(), bodyField(node), { container: true });
    case 'interface_declaration':
      return definition('interface', node, name(), bodyField(node), { container: true });
    case 'enum_declaration':
      return definition('enum', node, name(), bodyField(node));
    case 'method_declaration':
    case 'constructor_declaration':
    case 'destructor_declaration':
    case 'operator_declaration':
    case 'conversion_operator_declaration':
      return inClass ? definition('function', node, name() ?? operatorName(node), bodyField(node)) : undefined;
    case 'local_function_statement':
      return definition('function', node, name(), bodyField(node));
    case 'namespace_declaration': {
      const body = bodyField(node);
      return body === undefined ? undefined : transparent(name(), bodyMembers(body));
    }
    case 'preproc_if':
    case 'preproc_else':
    case 'preproc_elif':
      return preprocessorConditional(node);
    case 'file_scoped_namespace_declaration': {
      const scope = name();
      return scope === undefined ? undefined : { type: 'scope', name: scope };
    }
    default:
      return undefined;
  }
}

function operatorName(node: Node): string | undefined {
  const operator = field(node, 'operator') ?? field(node, 'type');
  return operator === undefined ? undefined : `operator ${operator.text}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Ruby

function classifyRuby(node: Node): SyntaxMatch | undefined {
  const name = (): string | undefined => fieldText(node, 'name');
  switch (node.type) {
    case 'method':
    case 'singleton_method':
      return definition('function', node, name(), bodyField(node));
    case 'class':
      return definition('class', node, name(), bodyField(node), { container: true });
    case 'module':
    case 'singleton_class': {
      const body = bodyField(node);
      const members = body === undefined ? namedChildrenOf(node).filter((child) => commentTypes.has(child.type)) : bodyMembers(body);
      return transparent(node.type === 'module' ? name() : undefined, members, true);
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PHP

function classifyPhp(node: Node, inClass: boolean): SyntaxMatch | undefined {
  const name = (): string | undefined => fieldText(node, 'name');
  switch (node.type) {
    case 'function_definition':
      return definition('function', node, name(), bodyField(node));
    case 'class_declaration':
    case 'trait_declaration':
      return definition('class', node, name(), bodyField(node), { container: true });
    case 'interface_declaration':
      return definition('interface', node, name(), bodyField(node), { container: true });
    case 'enum_declaration':
      return definition('enum', node, name(), bodyField(node), { container: true });
    case 'method_declaration':
      return inClass ? definition('function', node, name(), bodyField(node)) : undefined;
    case 'namespace_definition': {
      const body = bodyField(node);
      const scope = name();
      if (body !== undefined) return transparent(scope, bodyMembers(body));
      return scope === undefined ? undefined : { type: 'scope', name: scope };
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------------
// Relations: calls, imports and declared names. Node types differ between grammars (a query naming a type its
// grammar lacks does not compile), so each language has its own query; the test suite compiles every one.

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

const javaScriptRelations = relationRules(javaScriptCalls + jsxCalls, javaScriptIgnored, javaScriptDeclaredNames);

const rulesByLanguage: Readonly<Record<SyntaxLanguageId, LanguageRules>> = {
  typescript: { classify: classifyJavaScript, relations: relationRules(javaScriptCalls + typeScriptImports, javaScriptIgnored, javaScriptDeclaredNames) },
  tsx: { classify: classifyJavaScript, relations: relationRules(javaScriptCalls + jsxCalls + typeScriptImports, javaScriptIgnored, javaScriptDeclaredNames) },
  javascript: { classify: classifyJavaScript, relations: javaScriptRelations },
  python: { classify: (node) => classifyPython(node), relations: relationRules(pythonCalls, pythonIgnored, pythonDeclaredNames, pythonIgnoredMembers) },
  go: { classify: (node) => classifyGo(node), relations: relationRules(goCalls, goIgnored, goDeclaredNames) },
  rust: {
    classify: (node) => classifyRust(node),
    relations: relationRules(rustCalls, new Set(), namedFieldDeclaredNames(new Set(['const_item', 'static_item', 'type_item']))),
  },
  java: { classify: classifyJava, relations: relationRules(javaCalls, new Set()) },
  c: { classify: (node, inClass) => classifyC(node, inClass, false), relations: relationRules(cCalls, cIgnored, namedFieldDeclaredNames(new Set(['preproc_def', 'preproc_function_def']))) },
  cpp: { classify: (node, inClass) => classifyC(node, inClass, true), relations: relationRules(cppCalls, cIgnored, namedFieldDeclaredNames(new Set(['preproc_def', 'preproc_function_def']))) },
  csharp: { classify: classifyCSharp, relations: relationRules(cSharpCalls, new Set()) },
  ruby: { classify: (node) => classifyRuby(node), relations: relationRules(rubyCalls, rubyIgnored) },
  php: { classify: classifyPhp, relations: relationRules(phpCalls, new Set()) },
};

/** The rules of one language. */
export function rulesFor(language: SyntaxLanguageId): LanguageRules {
  return rulesByLanguage[language];
}
