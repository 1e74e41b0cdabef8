// Undoing what permission tests did to a temporary folder, so it can be removed.
import fs from 'node:fs';
import path from 'node:path';

/** Makes every folder under `folder` 0755 and every file 0644 again (mode-000 entries block `rmSync`). */
export function restorePermissions(folder: string): void {
  try {
    fs.chmodSync(folder, 0o755);
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const entryPath = path.join(folder, entry.name);
      if (entry.isDirectory()) restorePermissions(entryPath);
      else if (entry.isFile()) fs.chmodSync(entryPath, 0o644);
    }
  } catch {
    // Best effort: rmSync reports anything that is still in the way.
  }
}
