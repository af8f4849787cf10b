import type { ReactNode } from 'react';
import { navigate } from '../router.ts';

// An in-app link: the address changes without reloading the page.
export function Link(props: { href: string; className?: string; children: ReactNode; testId?: string }) {
  return (
    <a
      href={props.href}
      className={props.className}
      data-testid={props.testId}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        // A link inside a clickable row: one navigation, not two.
        e.stopPropagation();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
