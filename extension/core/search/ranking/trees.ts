// Regression trees added to the linear score (learned by training/ranker/trees.ts): where one feature's worth
// depends on another (the dense list for code but not for prose, a heading's match in a prose-led pool), a tree
// says so and a weighted sum cannot. Each tree's value is split among the features on its path (the change of the
// expected value at each split), so an explanation still lists what every feature added.
import { FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from './features.ts';

/**
 * A tree as weights.json stores it, in flat arrays: node i splits on `feature[i]` at `threshold[i]` (a value ≤ the
 * threshold goes to `left[i]`, else to `right[i]`); a leaf has feature null. `value[i]` is the node's expected
 * value (a leaf's is what the tree adds); node 0 is the root.
 */
export interface TreeNodes {
  feature: (FeatureName | null)[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** A tree ready to score rows: feature columns as indices (-1 for a leaf). */
export interface CompiledTree {
  column: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** Checks a stored tree and turns feature names into columns; throws on a malformed or unknown node. */
export function compileTree(tree: TreeNodes): CompiledTree {
  const size = tree.value.length;
  if ([tree.feature, tree.threshold, tree.left, tree.right].some((list) => list.length !== size)) throw new Error('ranker tree arrays differ in length');
  const column = Int32Array.from(tree.feature, (name) => {
    if (name === null) return -1;
    const index = FEATURE_INDEX[name];
    if (index === undefined) throw new Error(`ranker tree names an unknown feature "${name}"`);
    return index;
  });
  column.forEach((value, node) => {
    // Children come after their parent, so every walk ends at a leaf.
    if (value >= 0 && !(tree.left[node]! > node && tree.right[node]! > node && tree.left[node]! < size && tree.right[node]! < size)) throw new Error('ranker tree has a bad child index');
  });
  return { column, threshold: Float64Array.from(tree.threshold), left: Int32Array.from(tree.left), right: Int32Array.from(tree.right), value: Float64Array.from(tree.value) };
}

/** The child of a split node that a row (starting at `base` of a flat feature matrix) goes to. */
function childOf(tree: CompiledTree, rows: Float64Array, base: number, node: number): number {
  return rows[base + tree.column[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
}

/** The leaf a row of a flat feature matrix reaches. */
function leafOf(tree: CompiledTree, rows: Float64Array, base: number): number {
  let node = 0;
  while (tree.column[node]! >= 0) node = childOf(tree, rows, base, node);
  return node;
}

/** What the trees add to one row's score. */
export function treesValue(trees: readonly CompiledTree[], rows: Float64Array, row: number): number {
  const base = row * FEATURE_NAMES.length;
  let sum = 0;
  for (const tree of trees) sum += tree.value[leafOf(tree, rows, base)]!;
  return sum;
}

/**
 * The trees' value for one row split among features: at each split on the path, the feature split on gets the
 * change from the node's expected value to the child's. Adds into `into` (one slot per feature); what is left
 * is the roots' values, which are the same for every candidate (0 up to rounding: a query's gradients sum to 0).
 */
export function addTreeContributions(trees: readonly CompiledTree[], rows: Float64Array, row: number, into: Float64Array): void {
  const base = row * FEATURE_NAMES.length;
  for (const tree of trees) {
    let node = 0;
    while (tree.column[node]! >= 0) {
      const next = childOf(tree, rows, base, node);
      into[tree.column[node]!]! += tree.value[next]! - tree.value[node]!;
      node = next;
    }
  }
}
