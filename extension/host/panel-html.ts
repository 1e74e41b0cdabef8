// The results panel's page: no data, only the assets (dist/webview), under a strict CSP with a fresh nonce per
// load. The page asks for everything else through the panel protocol.
import * as vscode from 'vscode';

/** The panel's title, in its tab and in the page. */
export const PANEL_TITLE = 'Semantic Search';

/** The panel's page: no data, only the assets, under a CSP that allows scripts with this load's nonce alone. */
export function panelHtml(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, extensionUri: vscode.Uri, nonce: string): string {
  const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', ...segments)).toString();
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // Neither falls back to default-src: without them a <base> or <form> could point the page's links and posts elsewhere.
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(asset('codicons', 'codicon.css'))}">
<link rel="stylesheet" href="${escapeAttribute(asset('panel.css'))}">
<title>${PANEL_TITLE}</title>
</head>
<body>
<script nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(asset('panel.js'))}"></script>
</body>
</html>
`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
