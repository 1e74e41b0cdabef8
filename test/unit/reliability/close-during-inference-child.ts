// Child of close-during-inference.test.ts: starts the offline GloVe runtime, sends it four requests,
// stops them after DELAY ms, closes the runtime (the inference of one of them may be running) and exits
// the way `semsearch index` does after Ctrl-C. Prints "closed" when the process got that far.
import { EmbeddingRuntime } from '../../../extension/core/embedding/runtime.ts';
import { offlineModel } from '../../helpers/models.ts';

const delay = Number(process.argv[2]);
const runtime = await EmbeddingRuntime.load({ modelDirectory: offlineModel('glove-100d'), quantization: 'int8', device: 'cpu', threads: 1 });
const controller = new AbortController();
const texts = (request: number) => Array.from({ length: 32 }, (_, index) => `request ${request} text ${index}: parses the header of a request and returns the value found`);
const requests = [0, 1, 2, 3].map((request) => runtime.embed(texts(request), 'document', controller.signal).catch(() => undefined));
await new Promise((resolve) => setTimeout(resolve, delay));
controller.abort();
await runtime.dispose();
await Promise.all(requests);
process.stdout.write('closed\n');
process.exit(130);
