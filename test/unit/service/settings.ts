// Service settings for tests: the fast offline model on one thread, default discovery and search.
import type { ServiceSettings } from '../../../extension/core/service/workspace-service.ts';
import { offlineModel } from '../../helpers/models.ts';

export function serviceSettings(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    modelDirectory: offlineModel('glove-100d'),
    quantization: 'fp32',
    device: 'cpu',
    threads: 1,
    discovery: { include: [], exclude: [] },
    chunking: {},
    search: { k: 10, mode: 'hybrid', weights: { dense: 1, lexical: 1 } },
    ...overrides,
  };
}
