import type { PageProps } from '../App.tsx';

export function Traces(_props: PageProps) {
  return <div className="state empty">This page is being built.</div>;
}
