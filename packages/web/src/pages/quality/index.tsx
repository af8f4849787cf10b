import type { PageProps } from '../../App.tsx';
import { HealthSection } from './HealthSection.tsx';
import { QualityTrendSection } from './QualityTrendSection.tsx';
import { RefusalSection } from './RefusalSection.tsx';
import { TopIssuesSection } from './TopIssuesSection.tsx';
import { DriftSection } from './Drift.tsx';

// The Quality page: one component per section, each loading what it shows over the page's range.

export function Quality(_props: PageProps) {
  return (
    <div className="page quality">
      <HealthSection />
      <QualityTrendSection />
      <TopIssuesSection />
      <DriftSection />
      <RefusalSection />
    </div>
  );
}
