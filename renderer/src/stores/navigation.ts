import { create } from 'zustand';

/** The current page lives in the URL hash so reloads and links keep their place. */
function pageFromHash(): string {
  return window.location.hash.replace(/^#\/?/, '') || 'overview';
}

interface NavigationState {
  page: string;
  go(page: string): void;
}

export const useNavigation = create<NavigationState>((set) => ({
  page: pageFromHash(),
  go: (page) => {
    window.location.hash = `/${page}`;
    set({ page });
  },
}));

window.addEventListener('hashchange', () => useNavigation.setState({ page: pageFromHash() }));
