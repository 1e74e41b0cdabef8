// The callers and callees of the results panel's code results: the Callers / Callees toggle under a result, and
// the area it unfolds, rendered from what `PanelSession` holds for that result (loading, the lists, or why not).
import type { PanelRelatedChunk, PanelResult } from '../extension/protocol/panel-protocol.ts';
import { element, icon } from './dom.ts';
import { hasRelations, type PanelSession, type RelationsView } from './panel-model.ts';
import { kindIcon } from './result-list.ts';

export class RelationAreas {
  /** Per result index: its area, its toggle, and the view last rendered in it. */
  private areas = new Map<number, { area: HTMLElement; toggle: HTMLButtonElement; rendered: RelationsView | undefined }>();

  private readonly session: PanelSession;

  constructor(session: PanelSession) {
    this.session = session;
  }

  /** Forgets every area: the results they belonged to were replaced. */
  clear(): void {
    this.areas = new Map();
  }

  /** The Callers / Callees toggle and the area it unfolds, for a code result; nothing for others. */
  controls(result: PanelResult, index: number): HTMLElement[] {
    if (!hasRelations(result)) return [];
    const area = element('div', { className: 'result-relations', testId: 'result-relations', attributes: { id: `relations-${index}` } });
    area.hidden = true;
    const toggle = element('button', {
      className: 'relations-toggle',
      testId: 'relations-toggle',
      attributes: { type: 'button', 'aria-expanded': 'false', 'aria-controls': area.id, title: 'Show the code that calls this and the code it calls (found by name)' },
    }, icon('codicon-references'), element('span', { text: 'Callers / Callees' }));
    toggle.addEventListener('click', (event) => {
      event.stopPropagation();
      this.session.toggleRelations(index);
    });
    this.areas.set(index, { area, toggle, rendered: undefined });
    return [toggle, area];
  }

  /** Re-renders the areas whose view changed (loading, answered, failed, folded). */
  render(): void {
    for (const [index, entry] of this.areas) {
      const view = this.session.relationsOf(index);
      if (view === entry.rendered) continue;
      entry.rendered = view;
      entry.toggle.setAttribute('aria-expanded', String(view !== undefined));
      entry.area.hidden = view === undefined;
      if (view === undefined) {
        entry.area.replaceChildren();
      } else if (view.state === 'loading') {
        entry.area.replaceChildren(element('div', { className: 'relations-note' }, icon('codicon-loading', 'codicon-modifier-spin'), element('span', { text: 'Finding callers and callees…' })));
      } else if (view.state === 'failed') {
        entry.area.replaceChildren(element('div', { className: 'relations-note relations-error' }, icon('codicon-error'), element('span', { text: view.message })));
      } else {
        const { callers, callees, truncated } = view.relations;
        entry.area.replaceChildren(
          this.relatedList('Called by', 'callers', callers),
          this.relatedList('Calls', 'callees', callees),
          ...(truncated ? [element('div', { className: 'relations-note', text: 'Only the nearest are listed.' })] : []),
        );
      }
    }
  }

  private relatedList(title: string, testId: string, list: readonly PanelRelatedChunk[]): HTMLElement {
    const items = list.map((related) => {
      const name = related.symbol === null ? related.kind : [...related.scope.filter((part) => part !== related.symbol), related.symbol].join(' › ');
      const button = element('button', {
        className: 'related',
        testId: 'related',
        attributes: { type: 'button', title: `${related.path}:${related.startLine} (by the name ${related.name})` },
      }, icon(kindIcon(related.kind, ''), 'kind-icon'), element('span', { className: 'related-name', text: name }), element('span', { className: 'related-where', text: `${related.path}:${related.startLine}` }));
      button.addEventListener('click', (event) => {
        event.stopPropagation();
        this.session.openRelated(related);
      });
      return element('li', {}, button);
    });
    return element('div', { className: 'related-group', testId },
      element('div', { className: 'related-title', text: title }),
      list.length === 0 ? element('div', { className: 'relations-note', text: 'None found.' }) : element('ul', { className: 'related-list' }, ...items),
    );
  }
}
