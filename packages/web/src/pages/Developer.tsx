import type { PageProps } from '../App.tsx';

export function Developer(_props: PageProps) {
  return <div className="state empty">This page is being built.</div>;
}
