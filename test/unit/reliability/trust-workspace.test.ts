// Workspace Trust, as the extension declares it to VS Code (package.json): in an untrusted workspace VS Code
// ignores the workspace's values of the restricted settings, so every setting that names something on disk or
// on the network, or turns downloading on, must be restricted or be one a workspace cannot set at all. No setting
// may widen what is indexed to secrets. How the host treats a workspace-set model folder when untrusted is tested
// in test/unit/host (resolveModelDirectory, model-choice, evaluation-locations).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

interface SettingSchema {
  type?: string | string[];
  scope?: string;
  pattern?: string;
  markdownDescription?: string;
}
interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; description: string; restrictedConfigurations: string[] }; virtualWorkspaces: { supported: boolean } };
  contributes: { configuration: Array<{ properties: Record<string, SettingSchema> }> };
}

const manifest = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
const settings = Object.assign({}, ...manifest.contributes.configuration.map((section) => section.properties)) as Record<string, SettingSchema>;
const { untrustedWorkspaces } = manifest.capabilities;
/** Scopes a workspace cannot set: VS Code reads them from the user's settings only. */
const USER_ONLY_SCOPES = new Set(['application', 'machine']);

test('untrusted workspaces get limited support, restricting settings that exist', () => {
  assert.equal(untrustedWorkspaces.supported, 'limited');
  assert.ok(untrustedWorkspaces.restrictedConfigurations.length > 0);
  for (const key of untrustedWorkspaces.restrictedConfigurations) {
    assert.ok(key in settings, `${key} is a contributed setting`);
    assert.ok(!USER_ONLY_SCOPES.has(settings[key]!.scope ?? 'window'), `${key} could not be set by a workspace anyway`);
    assert.match(untrustedWorkspaces.description, new RegExp(key.split('.').at(-1)!, 'i'), `the description names ${key}`);
  }
  assert.equal(manifest.capabilities.virtualWorkspaces.supported, false, 'indexing reads files from disk');
});

test('every setting that names a place on disk or the network, or allows downloads, is out of an untrusted workspace\'s reach', () => {
  const sensitive = Object.keys(settings).filter((key) => /path|folder|directory|endpoint|url|host|proxy|revision|offline|download|command|executable|script/i.test(key));
  // The list this rule finds today; a new setting of this kind joins it and must be restricted or user-only.
  assert.deepEqual(sensitive.sort(), ['semanticSearch.model.hubEndpoint', 'semanticSearch.model.offline', 'semanticSearch.model.path', 'semanticSearch.model.revision']);
  for (const key of sensitive) {
    const reachable = !USER_ONLY_SCOPES.has(settings[key]!.scope ?? 'window');
    assert.ok(!reachable || untrustedWorkspaces.restrictedConfigurations.includes(key), `${key} can be set by an untrusted workspace`);
  }
});

test('the download endpoint is a user setting, and only HTTPS (or plain HTTP on a loopback address) fits its pattern', () => {
  const endpoint = settings['semanticSearch.model.hubEndpoint']!;
  assert.equal(endpoint.scope, 'application');
  const pattern = new RegExp(endpoint.pattern!);
  for (const url of ['https://huggingface.co', 'https://mirror.example.com/hub', 'http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:9000/x']) assert.match(url, pattern, url);
  for (const url of ['http://huggingface.co', 'http://192.168.1.10:8080', 'http://localhost.example.com', 'ftp://mirror.example', 'file:///etc', 'https://', 'javascript:alert(1)']) assert.doesNotMatch(url, pattern, url);
});

test('no setting can bring secrets into the index', () => {
  assert.deepEqual(Object.keys(settings).filter((key) => /secret|credential|dotenv|sensitive/i.test(key)), []);
});
