import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathRoles, pathWords } from '../../../../extension/core/search/ranking/path-signals.ts';

test('path roles: tests, examples, vendored, generated, compatibility and type declarations', () => {
  const roles = (filePath: string) => Object.entries(pathRoles(filePath)).filter(([, on]) => on).map(([role]) => role);
  assert.deepEqual(roles('src/router.go'), []);
  assert.deepEqual(roles('src/router_test.go'), ['test']);
  assert.deepEqual(roles('examples/basic/main.go'), ['example']);
  assert.deepEqual(roles('third_party/lib/x.c'), ['vendored']);
  assert.deepEqual(roles('api/service.pb.go'), ['generated']);
  assert.deepEqual(roles('flask/_compat.py'), ['compatibility']);
  assert.deepEqual(roles('types/index.d.ts'), ['typeDeclaration']);
  assert.deepEqual(roles('src/compatibility-checker.ts'), ['compatibility']);
});

test('path words: the stem and folders, stemmed; an entry-point file takes its folder as its stem', () => {
  const words = pathWords('flask/sessions.py');
  assert.ok(words.stem.has('session'), [...words.stem].join(' '));
  assert.equal(words.stemName, 'sessions');
  assert.ok(words.folders.has('flask'));
  assert.equal(pathWords('axum/src/routing/mod.rs').stemName, 'routing');
  assert.equal(pathWords('packages/server/index.ts').stemName, 'server');
  assert.equal(pathWords('Handler/StreamHandler.php').stemName, 'streamhandler');
});
