import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT, type RedProcess } from '../support/red-process';

/**
 * Makes `red`'s user directory what a user has after installing the package and answering
 * the editor's first question: the package's `examples/` beside it (so Import → Examples lists
 * them) and update notifications declined (else a modal prompt covers the editor on first load).
 */
export function prepareUserDir(red: RedProcess): void {
  fs.symlinkSync(path.join(PACKAGE_ROOT, 'examples'), path.join(red.userDir, 'node_modules', 'node-red-contrib-initial-state', 'examples'), 'dir');
  fs.writeFileSync(path.join(red.userDir, '.config.runtime.json'), JSON.stringify({ telemetryEnabled: false }));
}
