// What the chunker knows of a language's syntax trees, as types, and the node helpers every language's rules
// share. The rules themselves: definition-rules.ts (definitions, containers, scopes) and relation-rules.ts (calls,
// imports, declared names); rules.ts puts them together per language.

import type { Node } from 'web-tree-sitter';

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

export function field(node: Node | null | undefined, name: string): Node | undefined {
  return node?.childForFieldName(name) ?? undefined;
}

export function fieldText(node: Node | null | undefined, name: string): string | undefined {
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
