// semsearch: index folders and search them by meaning from a terminal.
//
//   semsearch index [DIR...] [--db PATH] [--model NAME|PATH] [--quantization fp32|int8] [--device auto|cpu|gpu]
//                   [--storage float32|int8|binary[+int8][:OVERSAMPLING]] [--dimensions N]
//   semsearch search "QUERY" [--dir DIR | --db PATH] [--k N] [--lang L] [--path GLOB] [--mode M] [--relations] [--expand-calls [--expand-hits N]] [--json]
//   semsearch search --batch QUERIES.jsonl [--dir DIR | --db PATH] [--k N] [--expand-calls [--expand-hits N]] [--out FILE]
//   semsearch status [--dir DIR | --db PATH] [--json]
//   semsearch watch [DIR] [--db PATH]
//   semsearch tradeoffs [--dir DIR | --db PATH] [--json]
//   semsearch evaluate [--dir DIR | --db PATH] [--queries N] [--distractors N] [--models A,B] [--seed N] [--json]
//   semsearch migrate --to MODEL [--quantization Q] [--manual] [--margin M] | --status | --report | --cutover | --rollback  [--dir DIR | --db PATH] [--json]
//
// Errors are one line on stderr and a non-zero exit code: 2 for a usage mistake, 1 for anything else.
//
// This file is the entry point (bin/semsearch.js): the usage text, and the dispatch to the commands, one
// file per group (index-commands, search-command, migrate-command, report-commands) over what they share:
// arguments.ts (parsing), open-index.ts (which index, which model), hits-output.ts, interrupt.ts (Ctrl-C).
import { isCoreError } from '../core/errors.ts';
import { UsageError } from './arguments.ts';
import { commandIndex, commandStatus, commandWatch } from './index-commands.ts';
import { commandMigrate } from './migrate-command.ts';
import { commandEvaluate, commandTradeoffs } from './report-commands.ts';
import { commandSearch } from './search-command.ts';

const USAGE = `semsearch — search code and docs by meaning, locally

  semsearch index [DIR...] [--db PATH] [--model NAME|PATH] [--quantization fp32|int8]
                  [--device auto|cpu|gpu] [--threads N] [--include GLOB]... [--exclude GLOB]...
                  [--storage float32|int8|binary|binary+int8[:OVERSAMPLING]] [--dimensions N]
  semsearch search "QUERY" [--dir DIR | --db PATH] [--k N] [--lang L] [--path GLOB] [--no-tests] [--scope all|code|docs]
                  [--mode hybrid|dense|lexical] [--weights dense=1,lexical=1,symbol=1] [--lexical-kinds] [--relations]
                  [--expand-calls [--expand-hits N]] [--no-ranking] [--explain] [--json]
  semsearch search --batch QUERIES.jsonl [--dir DIR | --db PATH] [--k N] [--mode M] [--weights ...]
                  [--expand-calls [--expand-hits N]] [--no-ranking] [--out FILE]
  semsearch status [--dir DIR | --db PATH] [--json]
  semsearch watch [DIR] [--db PATH]
  semsearch migrate --to MODEL [--quantization fp32|int8] [--manual] [--margin 0.05] [--dir DIR | --db PATH]
  semsearch migrate --status | --report | --cutover | --rollback [--dir DIR | --db PATH] [--json]
  semsearch tradeoffs [--dir DIR | --db PATH] [--json]   storage options measured on the index
  semsearch evaluate [--dir DIR | --db PATH] [--queries N] [--distractors N] [--models A,B] [--seed N] [--json]
                  which installed model (and storage) finds your code best, judged on its doc comments

Every command takes --verbose (-v) to log more, --json where it prints results.
Models: code-static (default: this project's own code model, int8), use-lite, glove-100d, a Hugging Face model of the catalog (minilm-l6, bge-small,
nomic-v1.5, jina-code, e5-small, coderankembed: downloaded once into the cache; --offline forbids it),
or the path of a Hugging Face model folder.
The index of a folder lives under your cache directory unless --db says where.
--no-tests leaves test files and test folders out of the results; --scope code keeps source code only (files
parsed by a grammar), --scope docs documentation only (Markdown, reST, AsciiDoc, READMEs, .txt).
--no-ranking keeps the fused order (no learned ranking stage); --explain prints what moved each result's score.
--relations shows each result's callers and callees (found by name in the syntax tree); --expand-calls puts
the definitions of what the top results call (top 3, or --expand-hits N) right after them.
--storage stores vectors as float32 (default), int8 (a quarter of the bytes) or binary codes searched by
Hamming distance and rescored from float32 or int8 (much faster); --dimensions N keeps the first N
(Matryoshka). Changing either builds a new index from the vectors already computed; it stays until you change it.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `semsearch search --help` asks for the usage, not for a search of nothing; after `--` every argument is
  // text (`semsearch search -- --help` searches for the flag's docs).
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (command !== undefined && !command.startsWith('-') && options.some((argument) => argument === '--help' || argument === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    switch (command) {
      case 'index':
        await commandIndex(rest);
        return 0;
      case 'search':
        await commandSearch(rest);
        return 0;
      case 'status':
        await commandStatus(rest);
        return 0;
      case 'watch':
        await commandWatch(rest);
        return 0;
      case 'migrate':
        await commandMigrate(rest);
        return 0;
      case 'tradeoffs':
        await commandTradeoffs(rest);
        return 0;
      case 'evaluate':
        await commandEvaluate(rest);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; the commands are index, search, status, watch, migrate, tradeoffs and evaluate`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`semsearch: ${error.message}\n(see \`semsearch --help\`)\n`);
      return 2;
    }
    if (error instanceof Error && error.name === 'AbortError') return 130;
    if (isCoreError(error)) {
      process.stderr.write(`semsearch: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`semsearch: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
