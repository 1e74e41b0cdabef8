// How much a model's dense list weighs in hybrid search when the user has not set a weight. Kept apart
// from the catalog (which reads the file system) because search, and the webview's types, import it.

/**
 * Weights measured with bench/quality on the evaluation sets (stripped code and docs sets, CoSQA,
 * CodeSearchNet). At an equal weight the dense list of either bundled model lowered nDCG@10 on every
 * set (USE lite by 7 to 17 points). USE lite at 0.1 stays within about 2 points of lexical search
 * alone and is above it on docs; GloVe lowered every set even at 0.1, so it adds nothing to the ranking.
 */
const MEASURED_DENSE_WEIGHTS: Readonly<Record<string, number>> = { 'use-lite': 0.1, 'glove-100d': 0 };

/**
 * The weight for models not measured here (downloaded retrieval models, trained for exactly this job):
 * an equal share with the lexical list.
 */
export const UNMEASURED_DENSE_WEIGHT = 1;

/** The dense weight of hybrid search for a model id (a catalog id) when the user has not set one. */
export function hybridDenseWeight(modelId: string): number {
  return MEASURED_DENSE_WEIGHTS[modelId] ?? UNMEASURED_DENSE_WEIGHT;
}
