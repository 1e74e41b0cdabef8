// How much a model's dense list weighs in hybrid search when the user has not set a weight. Kept apart
// from the catalog (which reads the file system) because search, and the webview's types, import it.

/**
 * Weights measured with bench/quality on the evaluation sets (stripped code and docs sets, CoSQA,
 * CodeSearchNet). At an equal weight the dense list of either bundled model lowered nDCG@10 on every
 * set (USE lite by 7 to 17 points); GloVe lowered every set even at 0.1. USE lite at 0.1 helped docs
 * while its lexical list was cut to its 128-token pieces; once the lexical index used whole units
 * (lexical-units.ts), 0.1 lost to 0 on seven of nine sets (cosqa −3.1, eslint −3.0, gin −1.4) and won
 * only on csn-python (+0.3, +0.6). So neither bundled model adds to the ranking: their dense results
 * only fill the places after the lexical ones (and serve dense mode and Find Similar).
 *
 * The project's own code-static model (training/README.md, "Retrieval quality") adds to the code sets at
 * 0.3 over its lexical list alone (code-rich +3.5, code-gin +1.6, code-eslint +3.2, CoSQA +3.8,
 * csn-python functions +1.2) and costs the docs sets less than at 1 (docs-eslint −3.3 against −11.8,
 * docs-fastapi −0.2 against −5.3): 0.3 it is, until the ranking stage weighs the dense list per query.
 */
const MEASURED_DENSE_WEIGHTS: Readonly<Record<string, number>> = { 'code-static': 0.3, 'use-lite': 0, 'glove-100d': 0 };

/**
 * The weight for models not measured here (downloaded retrieval models, trained for exactly this job):
 * an equal share with the lexical list.
 */
export const UNMEASURED_DENSE_WEIGHT = 1;

/** The dense weight of hybrid search for a model id (a catalog id) when the user has not set one. */
export function hybridDenseWeight(modelId: string): number {
  return MEASURED_DENSE_WEIGHTS[modelId] ?? UNMEASURED_DENSE_WEIGHT;
}
