// Which model folder the settings select. Free of the vscode module, so it is tested in plain Node.
import path from 'node:path';

/** The offline models that ship with the extension. */
export const BUNDLED_MODELS = ['use-lite', 'glove-100d'] as const;

/** The model settings this needs. */
export interface ModelSettings {
  name: string;
  path: string;
  pathFromWorkspace: boolean;
}

/** The model folder the settings select, or why none can be used. */
export function resolveModelDirectory(settings: { model: ModelSettings }, extensionPath: string, trusted: boolean): { directory: string } | { problem: string } {
  if (settings.model.name === 'custom') {
    // VS Code already hides a restricted setting's workspace value in an untrusted workspace; saying so
    // explains why the configured folder is not used.
    if (settings.model.pathFromWorkspace && !trusted) {
      return { problem: 'This workspace is not trusted, so the model folder its settings name (semanticSearch.model.path) is not loaded. Trust the workspace, or set the model in your user settings.' };
    }
    if (!settings.model.path) return { problem: 'The model is set to "custom" but semanticSearch.model.path is empty. Set it to a Hugging Face model folder.' };
    return { directory: settings.model.path };
  }
  if (!(BUNDLED_MODELS as readonly string[]).includes(settings.model.name)) {
    return { problem: `Unknown model "${settings.model.name}". Choose one of ${BUNDLED_MODELS.join(', ')} or "custom".` };
  }
  return { directory: path.join(extensionPath, 'models', settings.model.name) };
}
