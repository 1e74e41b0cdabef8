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

test('path words: an inner extension that says the file\'s role goes with the extension; any other inner dot is part of the name', () => {
  // Dapper's partial classes: only SqlMapper.cs is the file named SqlMapper; SqlMapper.Settings.cs is about settings.
  assert.equal(pathWords('dapper/SqlMapper.cs').stemName, 'sqlmapper');
  const partial = pathWords('dapper/SqlMapper.Settings.cs');
  assert.equal(partial.stemName, 'sqlmappersettings');
  assert.ok(partial.stem.has('sqlmapper') && partial.stem.has('set'), [...partial.stem].join(' '));
  assert.equal(pathWords('src/user.service.ts').stemName, 'userservice');
  assert.equal(pathWords('src/args.test.ts').stemName, 'args');
  assert.equal(pathWords('src/router.spec.js').stemName, 'router');
  assert.equal(pathWords('types/client.d.ts').stemName, 'client');
  assert.equal(pathWords('types/index.d.ts').stemName, 'types');
  assert.equal(pathWords('dist/app.min.js').stemName, 'app');
  assert.equal(pathWords('api/service.pb.go').stemName, 'service');
  assert.equal(pathWords('Forms/Login.Designer.cs').stemName, 'login');
  assert.equal(pathWords('Makefile').stemName, 'makefile');
});
