/** The page's tabs: a `role="tab"` button per panel, `aria-controls` naming the panel. */
export const PLAYGROUND_TABS = ['tasks', 'fine-tune'] as const;

/** A tab of the page. */
export type PlaygroundTab = (typeof PLAYGROUND_TABS)[number];

/** Shows one tab's panel and hides the others; the URL's hash names the tab (`#fine-tune`). */
export function showTab(document: Document, tab: PlaygroundTab): void {
  for (const name of PLAYGROUND_TABS) {
    const button = document.querySelector<HTMLButtonElement>(`#tab-${name}`);
    const panel = document.querySelector<HTMLElement>(`#${name}-panel`);
    button?.setAttribute('aria-selected', String(name === tab));
    if (panel !== null) panel.hidden = name !== tab;
  }
}

/** Wires the tab buttons, and opens the tab the URL's hash names (`#fine-tune`; the tasks tab otherwise). */
export function mountTabs(document: Document): void {
  const fromHash = (): PlaygroundTab => {
    const hash = document.location.hash.replace(/^#/, '');
    return (PLAYGROUND_TABS as readonly string[]).includes(hash) ? (hash as PlaygroundTab) : 'tasks';
  };
  for (const name of PLAYGROUND_TABS) {
    document.querySelector(`#tab-${name}`)?.addEventListener('click', () => {
      showTab(document, name);
      document.defaultView?.history.replaceState(null, '', `#${name}`);
    });
  }
  document.defaultView?.addEventListener('hashchange', () => showTab(document, fromHash()));
  showTab(document, fromHash());
}
