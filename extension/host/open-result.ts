// Opens a search result's range in an editor: the one way both the QuickPick and the panel do it.
// The folder must be a workspace folder and the path must stay inside it (resolveInsideFolder), since
// results can come from an untrusted webview message.
import * as vscode from 'vscode';
import { resolveInsideFolder } from './workspace-paths.ts';

export interface ResultLocation {
  /** The workspace folder's URI, as a string. */
  folder: string;
  /** Relative to the folder, '/' separators. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Where the cursor goes (a definition's signature line); default the start. */
  openLine?: number;
}

export interface OpenOptions {
  /** Open in preview mode and keep the focus where it is. */
  preview: boolean;
  viewColumn?: vscode.ViewColumn;
  logger: { warn(message: string): void };
}

/** Opens the location and reveals its range; false when it was refused or failed (the reason is logged). */
export async function openResultLocation(location: ResultLocation, options: OpenOptions): Promise<boolean> {
  const shown = JSON.stringify(location.path.slice(0, 200));
  const folder = (vscode.workspace.workspaceFolders ?? []).find((candidate) => candidate.uri.toString() === location.folder);
  if (!folder) {
    options.logger.warn(`Refused to open ${shown}: ${JSON.stringify(location.folder.slice(0, 200))} is not a workspace folder.`);
    return false;
  }
  if (folder.uri.scheme !== 'file') {
    options.logger.warn(`Refused to open ${shown}: workspace folder ${folder.name} is not on the local file system.`);
    return false;
  }
  const resolved = await resolveInsideFolder(folder.uri.fsPath, location.path);
  if (!resolved.ok) {
    options.logger.warn(`Refused to open ${shown} in ${folder.name}: ${resolved.reason}.`);
    return false;
  }
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(resolved.path));
    const lastLine = Math.max(document.lineCount - 1, 0);
    const start = new vscode.Position(Math.min(location.startLine - 1, lastLine), 0);
    const range = new vscode.Range(start, document.lineAt(Math.min(location.endLine - 1, lastLine)).range.end);
    // The cursor goes to the definition's signature (decorators and doc comments sit above it), at its first word.
    const openLine = Math.min(Math.max(location.openLine ?? location.startLine, location.startLine), location.endLine);
    const line = document.lineAt(Math.min(openLine - 1, lastLine));
    const cursor = new vscode.Position(line.lineNumber, line.firstNonWhitespaceCharacterIndex);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: options.viewColumn,
      preview: options.preview,
      preserveFocus: options.preview,
      selection: new vscode.Range(cursor, cursor),
    });
    // The whole result when it fits the screen, else its opening line in the centre.
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.revealRange(new vscode.Range(cursor, cursor), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    options.logger.warn(`Could not open ${shown}: ${text}`);
    if (!options.preview) void vscode.window.showErrorMessage(`Semantic Search could not open ${location.path}: ${text}`);
    return false;
  }
}
