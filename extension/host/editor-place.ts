// Where the user was before a picker previewed results: the editor, its selections and the lines in view.
// Previewing moves the cursor (a result in the same file is shown in the same editor) and may open a
// preview tab; a picker dismissed without choosing puts all of it back, as VS Code's own Go to Symbol does.
import * as vscode from 'vscode';

export interface EditorPlace {
  /** Shows the editor again with its selections and scroll position, and closes preview tabs opened since. */
  restore(): Promise<void>;
}

/** Remembers the active editor's place now (copies: the editor's own selection changes as results are previewed). */
export function rememberEditorPlace(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): EditorPlace | undefined {
  if (!editor) return undefined;
  const { document, viewColumn } = editor;
  const selections = editor.selections.map((selection) => new vscode.Selection(selection.anchor, selection.active));
  const visible = editor.visibleRanges[0];
  const openBefore = new Set(openTabUris());
  return {
    async restore() {
      await closePreviewTabsSince(openBefore, document.uri);
      const shown = await vscode.window.showTextDocument(document, { viewColumn, preserveFocus: false, selection: selections[0] });
      shown.selections = selections;
      if (visible) shown.revealRange(visible, vscode.TextEditorRevealType.AtTop);
    },
  };
}

function tabUri(tab: vscode.Tab): string | undefined {
  return tab.input instanceof vscode.TabInputText ? tab.input.uri.toString() : undefined;
}

function openTabUris(): string[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs.map(tabUri)).filter((uri): uri is string => uri !== undefined);
}

/** Preview tabs of files that were not open before (previewed results), other than the user's own file. */
async function closePreviewTabsSince(openBefore: ReadonlySet<string>, keep: vscode.Uri): Promise<void> {
  const previews = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => {
    const uri = tabUri(tab);
    return tab.isPreview && uri !== undefined && !openBefore.has(uri) && uri !== keep.toString();
  });
  if (previews.length > 0) await vscode.window.tabGroups.close(previews, true).then(undefined, () => undefined);
}
