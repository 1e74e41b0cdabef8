import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isImportOrExportBlock } from '../../../extension/core/text/meaningful-lines.ts';

test('import blocks of each language are recognised, over several lines', () => {
  const blocks = [
    "import type {\n  AnyRouter,\n  inferRouterContext,\n} from '../../@trpc/server';\nimport { TRPCError } from './error';\n",
    "'use strict';\n\nconst path = require('node:path');\nconst { Linter } = require('../linter');\n",
    "export * from './types';\nexport { a, b } from './a';\n",
    'from __future__ import annotations\n\nimport os\nimport typing as t\nfrom .globals import (\n    request,\n    session,\n)\n',
    'package gin\n\nimport (\n\t"net/http"\n\t"strings"\n)\n',
    'use axum_core::extract::{FromRef, FromRequestParts};\nuse std::{\n    convert::Infallible,\n    fmt,\n};\npub mod routing;\n',
    '<?php\n\nnamespace Monolog\\Handler;\n\nuse Monolog\\Logger;\nuse Psr\\Log\\LogLevel;\n',
    'using System;\nusing System.Data;\nnamespace Dapper;\n',
    '#include <stdio.h>\n#include "local.h"\n',
    "require 'json'\nrequire_relative 'helper'\n",
    'import java.util.List;\nimport static org.junit.Assert.*;\n',
    // What a bundler writes at the end of each CommonJS file (hono's dist/cjs/middleware/cors/index.js), and the
    // ES module's export list.
    '//#endregion\nexports.cors = cors;\n',
    "Object.defineProperty(exports, '__esModule', { value: true });\nmodule.exports = { cors, basicAuth: auth };\n",
    '0 && (module.exports = { cors });\n',
    '//#endregion\nexport { decode, jwt, sign as signToken };\n',
    'export default router;\n',
    'from .app import Flask\nfrom .globals import request\n\n__all__ = [\n    "Flask",\n    "request",\n]\n',
  ];
  for (const text of blocks) assert.equal(isImportOrExportBlock(text), true, text);
});

test('a header with code, a docstring or a comment after its imports is not an import block', () => {
  const headers = [
    "import { TRPCError } from './error/TRPCError';\n\nexport const middlewareMarker = 'middlewareMarker';\n",
    '"""Flask\'s application object."""\nimport os\n',
    '// Copyright 2024 the authors.\nimport (\n\t"net/http"\n)\n',
    'from fastapi import FastAPI\n\napp = FastAPI()\n',
    'def run():\n    import os\n    return os.getcwd()\n',
    'const answer = 42;\n',
    'module.exports = function cors(options) {\n  return handler;\n};\n',
    'exports.cors = cors;\nconst limit = compute();\n',
    'exports.timeout = 5000;\n',
    '// Regional settings come from the environment.\nexport { settings };\n',
    '',
  ];
  for (const text of headers) assert.equal(isImportOrExportBlock(text), false, text);
});
