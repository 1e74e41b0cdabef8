// Which nodes of each language's tree are definitions, which are containers to look through (namespaces,
// modules, preprocessor conditionals), and where names and bodies sit. The traversal in syntax.ts is shared; only
// these classifiers differ between languages.

import type { Node } from 'web-tree-sitter';
import { bodyMembers, commentTypes, field, fieldText, namedChildrenOf, type Body, type DefinitionKind, type DefinitionMatch, type LanguageRules, type SyntaxMatch, type TransparentMatch } from './rule-types.ts';
import type { SyntaxLanguageId } from './types.ts';

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

/** Each language's classifier (see `LanguageRules.classify`). */
export const classifierByLanguage: Readonly<Record<SyntaxLanguageId, LanguageRules['classify']>> = {
  typescript: classifyJavaScript,
  tsx: classifyJavaScript,
  javascript: classifyJavaScript,
  python: (node) => classifyPython(node),
  go: (node) => classifyGo(node),
  rust: (node) => classifyRust(node),
  java: classifyJava,
  c: (node, inClass) => classifyC(node, inClass, false),
  cpp: (node, inClass) => classifyC(node, inClass, true),
  csharp: classifyCSharp,
  ruby: (node) => classifyRuby(node),
  php: classifyPhp,
};
