/**
 * One section of the page at a time, chosen by the URL's hash (#identify, #verify, …), so the
 * back button and links work. Moving to a section puts keyboard focus on its heading.
 */
export type SectionId = 'identify' | 'verify' | 'model' | 'browse' | 'status';

export const SECTIONS: readonly SectionId[] = ['identify', 'verify', 'model', 'browse', 'status'];

export function currentSection(): SectionId {
  const hash = location.hash.slice(1);
  return (SECTIONS as readonly string[]).includes(hash) ? (hash as SectionId) : 'identify';
}

export function startRouter(onShow: (id: SectionId) => void): void {
  const show = (focus: boolean) => {
    const active = currentSection();
    for (const id of SECTIONS) {
      const section = document.getElementById(id);
      if (section) section.hidden = id !== active;
      const link = document.querySelector<HTMLAnchorElement>(`nav a[href="#${id}"]`);
      if (link) {
        if (id === active) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    }
    if (focus) document.querySelector<HTMLElement>(`#${active} h2`)?.focus();
    onShow(active);
  };
  window.addEventListener('hashchange', () => show(true));
  show(false);
}

export function go(id: SectionId): void {
  if (location.hash !== `#${id}`) location.hash = id;
}
