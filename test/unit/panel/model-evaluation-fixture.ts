// A hand-made "Which model suits my code?" report for the panel's tests: use-lite serves the folder
// (float32), GloVe ranks first, a model folder is listed, and a downloaded model failed to load.
import type { EvaluatedModel, ModelEvaluationReport, ModelEvaluationRow } from '../../../extension/core/evaluation/types.ts';

const MODELS: EvaluatedModel[] = [
  { name: 'use-lite', id: 'use-lite', displayName: 'Universal Sentence Encoder lite', source: 'bundled', quantization: 'int8', dimensions: 512, maxTokens: 128, matryoshka: false, current: true, chunksPerSecond: 96.4, truncatedTexts: 310 },
  { name: 'glove-100d', id: 'glove-100d', displayName: 'GloVe 6B 100-d', source: 'bundled', quantization: 'fp32', dimensions: 100, maxTokens: 1024, matryoshka: false, current: false, chunksPerSecond: 1480.2, truncatedTexts: 0 },
  { name: '/models/my-model', id: 'my-model', displayName: 'my-model', source: 'folder', quantization: 'fp32', dimensions: 384, maxTokens: 256, matryoshka: false, current: false, chunksPerSecond: 40, truncatedTexts: 12 },
];

function row(model: EvaluatedModel, overrides: Partial<ModelEvaluationRow>): ModelEvaluationRow {
  return {
    model: model.name, modelDisplayName: model.displayName, option: { kind: 'float32' }, label: 'float32', dimensions: model.dimensions,
    bytesPerVector: model.dimensions * 4, recallAt10: 0.5, mrrAt10: 0.3, ndcgAt10: 0.35, chunksPerSecond: model.chunksPerSecond,
    currentModel: model.current, current: false, ...overrides,
  };
}

export function modelEvaluationReport(): ModelEvaluationReport {
  const [use, glove, folder] = MODELS as [EvaluatedModel, EvaluatedModel, EvaluatedModel];
  return {
    version: 2,
    createdAt: Date.UTC(2025, 0, 2, 3, 4, 5),
    k: 10,
    seed: 1,
    index: { chunks: 6200, vectors: 6200, modelId: 'use-lite', storage: 'float32' },
    pool: { size: 2300, targets: 100, targetChunks: 300, distractors: 2000, droppedQuoting: 3 },
    queries: { count: 100, fromDocComments: 96, fromDocstrings: 4, skipped: 7, leftOut: { noSentence: 3, boilerplate: 1, duplicate: 2, notHidden: 1 }, examples: [{ query: 'Reads the sales spreadsheet.', path: 'scripts/sales.py', symbol: 'load_sales' }] },
    models: MODELS.map((model) => ({ ...model })),
    failures: [{ model: 'bge-small', message: 'The model folder is damaged. Download it again.' }],
    rows: [
      row(glove, { recallAt10: 0.82, mrrAt10: 0.61, ndcgAt10: 0.66 }),
      row(glove, { option: { kind: 'int8' }, label: 'int8', bytesPerVector: 100, recallAt10: 0.81, mrrAt10: 0.6, ndcgAt10: 0.65 }),
      row(use, { recallAt10: 0.7, mrrAt10: 0.5, ndcgAt10: 0.55, current: true }),
      row(use, { option: { kind: 'binary', rescore: 'float32', oversampling: 40 }, label: 'binary (rescored from float32) ×40', bytesPerVector: 2112, recallAt10: 0.6, mrrAt10: 0.45, ndcgAt10: 0.5, candidates: 34 }),
      row(folder, { recallAt10: 0.4, mrrAt10: 0.2, ndcgAt10: 0.25 }),
    ],
    verdict: { best: 0, reason: undefined, text: '' },
  };
}
