/**
 * What a user does in the Node-RED editor, as Playwright steps: open it, drag a node in from the
 * palette, wire, edit, deploy. Every step waits for the editor's own signal, never for a time.
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

/** The editor's globals this file reads in the page (only what it uses). */
interface EditorWindow {
  RED: {
    nodes: {
      filterNodes(filter: { type?: string; z?: string }): { id: string }[];
      node(id: string): { valid?: boolean; validationErrors?: string[] } | null;
      eachConfig(cb: (node: { id: string; type: string; name?: string }) => void): void;
      eachNode(cb: (node: { id: string; type: string; name?: string }) => void): void;
    };
    workspaces: { active(): string };
    actions: { invoke(name: string): void };
  };
}

/** The palette entry of a node type. */
export const paletteNode = (page: Page, type: string): Locator => page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);

/** A node on the workspace, by id. */
export const flowNode = (page: Page, id: string): Locator => page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);

/** Opens the editor at `url` and waits until the palette holds the given node type. */
export async function openEditor(page: Page, url: string, type = 'initialstate-stream'): Promise<void> {
  await page.goto(url);
  await paletteNode(page, type).waitFor({ state: 'visible' });
  await page.waitForFunction(() => Boolean((window as unknown as EditorWindow).RED?.workspaces?.active()));
}

/** Ids of the nodes of `type` on the active workspace. */
export function nodeIds(page: Page, type: string): Promise<string[]> {
  return page.evaluate(
    (t) => {
      const { RED } = window as unknown as EditorWindow;
      return RED.nodes.filterNodes({ type: t, z: RED.workspaces.active() }).map((n) => n.id);
    },
    type,
  );
}

/** The id of the node (flow or config node, on any tab) of `type` named `name`; throws when there is none. */
export async function nodeIdByName(page: Page, type: string, name: string): Promise<string> {
  const id = await page.evaluate(
    ([t, n]) => {
      const { nodes } = (window as unknown as EditorWindow).RED;
      let found: string | undefined;
      const match = (node: { id: string; type: string; name?: string }): void => {
        if (node.type === t && node.name === n) found = node.id;
      };
      nodes.eachNode(match);
      nodes.eachConfig(match);
      return found;
    },
    [type, name],
  );
  if (!id) throw new Error(`no ${type} node named "${name}"`);
  return id;
}

/** Drags a node of `type` from the palette onto the workspace at (`x`, `y`) of the chart; returns its id. */
export async function dragIn(page: Page, type: string, x: number, y: number): Promise<string> {
  const before = await nodeIds(page, type);
  const entry = paletteNode(page, type);
  await entry.scrollIntoViewIfNeeded();
  const from = await entry.boundingBox();
  const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
  if (!from || !chart) throw new Error(`palette entry of ${type} or the workspace is not visible`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  // jQuery UI's draggable needs intermediate moves to start a drag.
  await page.mouse.move(chart.x + x, chart.y + y, { steps: 12 });
  await page.mouse.up();
  const added = (await nodeIds(page, type)).filter((id) => !before.includes(id));
  if (added.length !== 1) throw new Error(`dragging ${type} in added ${added.length} nodes`);
  return added[0];
}

/** Adds a flow tab (as the + button does) and waits until it is the active one: room to drag nodes in. */
export async function newFlowTab(page: Page): Promise<void> {
  const before = await page.evaluate(() => (window as unknown as EditorWindow).RED.workspaces.active());
  await page.evaluate(() => (window as unknown as EditorWindow).RED.actions.invoke('core:add-flow'));
  await page.waitForFunction((id) => (window as unknown as EditorWindow).RED.workspaces.active() !== id, before);
}

/** Imports one of this package's examples through Import → Examples, as a user does. */
export async function importExample(page: Page, example: string): Promise<void> {
  await page.keyboard.press('Control+i');
  await page.locator('#red-ui-clipboard-dialog-import-tabs').getByText('Examples', { exact: true }).click();
  const tree = page.locator('#red-ui-clipboard-dialog-import-tab-examples .red-ui-treeList-label-text');
  await tree.getByText('node-red-contrib-initial-state', { exact: true }).click();
  await tree.getByText(example, { exact: true }).click();
  const importButton = page.locator('#red-ui-clipboard-dialog-ok');
  await importButton.click();
  await importButton.waitFor({ state: 'hidden' });
}

/** Wires the first output of node `from` to the input of node `to`. */
export async function wire(page: Page, from: string, to: string): Promise<void> {
  await flowNode(page, from).locator('.red-ui-flow-port-output').first().dragTo(flowNode(page, to).locator('.red-ui-flow-port-input'));
}

/**
 * Double-clicks a node and waits for its edit dialog. A double-click that lands while the editor
 * redraws the workspace (just after an import or a tab switch) can be taken as two clicks, so it
 * is tried up to three times.
 */
export async function openEditDialog(page: Page, id: string): Promise<void> {
  const dialog = page.locator('#node-dialog-ok');
  for (let attempt = 1; ; attempt++) {
    await flowNode(page, id).locator('rect.red-ui-flow-node').dblclick();
    try {
      await dialog.waitFor({ state: 'visible', timeout: attempt < 3 ? 5000 : 30_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/**
 * Enters text into an input and fires `change`, as a user leaving the field does, so the editor's
 * validation runs. (Typing key by key races the dialog's own focus of its first field.)
 */
export async function typeInto(input: Locator, text: string): Promise<void> {
  await input.fill(text);
  await input.dispatchEvent('change');
}

/** Sets a TypedInput (`#node-input-<field>`) to a type and, for value types, a value, by clicking as a user does. */
export async function setTypedInput(page: Page, field: string, type: string, value: string): Promise<void> {
  const container = page.locator(`#node-input-${field} + .red-ui-typedInput-container`);
  await container.locator('.red-ui-typedInput-type-select').click();
  await page.locator(`.red-ui-typedInput-options:visible a[value="${type}"]`).click();
  await typeInto(container.locator('input.red-ui-typedInput-input'), value);
}

/** Clicks Deploy and waits until the editor reports the deploy done. */
export async function deploy(page: Page): Promise<void> {
  await page.locator('#red-ui-header-button-deploy:not(.disabled)').click();
  await page.locator('#red-ui-header-button-deploy.disabled').waitFor({ state: 'attached' });
}

/** Whether the editor marks a node invalid: its model's `valid` flag and the red triangle on the workspace. */
export async function invalidMarks(page: Page, id: string): Promise<{ valid: boolean; triangle: boolean; errors: string[] }> {
  const model = await page.evaluate((nodeId) => {
    const node = (window as unknown as EditorWindow).RED.nodes.node(nodeId);
    return { valid: node?.valid !== false, errors: node?.validationErrors ?? [] };
  }, id);
  const triangle = await flowNode(page, id).locator('.red-ui-flow-node-error:not(.hide)').count();
  return { ...model, triangle: triangle > 0 };
}

/**
 * Saves a screenshot as `docs/screenshots/<name>.png` when `SCREENSHOTS=1` (as `scripts/screenshots.js`
 * sets it). The folder is resolved from the working directory (the repository root), so private
 * builds write there too.
 */
export async function saveScreenshot(page: Page, name: string, clip?: Locator): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = path.resolve('docs/screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  if (clip) await clip.screenshot({ path: file });
  else await page.screenshot({ path: file });
}

/**
 * What does not fit in the topmost open edit dialog, as one line each (empty when all fits):
 * a select whose widest option's text (measured in the select's own font) is wider than the
 * select leaves for text, a row label that wraps or overflows its box, and any visible control
 * whose right edge passes the dialog's form.
 */
export async function clippedControls(page: Page): Promise<string[]> {
  await settled(page);
  return page.evaluate(() => {
    const all = <T = HTMLElement>(root: ParentNode, selector: string): T[] => Array.from(root.querySelectorAll(selector)) as T[];
    const trays = all(document, '.red-ui-tray').filter((t) => t.offsetParent !== null);
    const form = trays.at(-1)?.querySelector('.red-ui-tray-content form') as HTMLElement | null | undefined;
    if (!form) return ['no open edit dialog'];
    const visible = (el: HTMLElement): boolean => el.offsetParent !== null && el.getClientRects().length > 0;
    const name = (el: Element): string => el.id || `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')}`;
    const canvas = (document.createElement('canvas') as HTMLCanvasElement).getContext('2d')!;
    const problems: string[] = [];
    const formRight = form.getBoundingClientRect().right;
    for (const select of all<HTMLSelectElement>(form, 'select')) {
      if (!visible(select)) continue;
      const style = getComputedStyle(select);
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // The drop-down arrow takes about 20 px of the box.
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      for (const option of Array.from(select.options)) {
        const need = canvas.measureText(option.text).width;
        if (need > room) problems.push(`${name(select)}: option "${option.text}" needs ${Math.ceil(need)} px, has ${Math.floor(room)}`);
      }
    }
    for (const label of all(form, '.form-row > label:first-child')) {
      if (!visible(label) || label.textContent!.trim() === '') continue;
      const lineHeight = parseFloat(getComputedStyle(label).lineHeight) || 20;
      if (label.scrollWidth > label.clientWidth + 1) problems.push(`label "${label.textContent!.trim()}" overflows (${label.scrollWidth} > ${label.clientWidth} px)`);
      if (label.getBoundingClientRect().height > lineHeight * 1.5) problems.push(`label "${label.textContent!.trim()}" wraps onto ${Math.round(label.getBoundingClientRect().height / lineHeight)} lines`);
    }
    for (const control of all(form, 'input, select, button, .red-ui-typedInput-container')) {
      if (!visible(control) || (control instanceof HTMLInputElement && control.type === 'hidden')) continue;
      const right = control.getBoundingClientRect().right;
      if (right > formRight + 1) problems.push(`${name(control)} ends ${Math.ceil(right - formRight)} px past the dialog`);
    }
    return problems;
  });
}

/** Waits until the topmost edit dialog stopped sliding in (its position the same over two frames). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      new Promise<boolean>((resolve) => {
        const trays = Array.from(document.querySelectorAll('.red-ui-tray')) as HTMLElement[];
        const tray = trays.filter((t) => t.offsetParent !== null).at(-1);
        if (!tray) return resolve(false);
        const before = tray.getBoundingClientRect().left;
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(tray.getBoundingClientRect().left === before)));
      }),
  );
}
