import type { ChainBatch, Processor } from '../chain.ts';
import type { Pricer } from './pricer.ts';

// Costs every span that does not carry a caller-reported cost (docs/architecture.md, Pricing).
export class PriceProcessor implements Processor {
  readonly name = 'price';
  private readonly pricer: Pricer;

  constructor(pricer: Pricer) {
    this.pricer = pricer;
  }

  process(batch: ChainBatch): void {
    for (const s of batch.spans) {
      if (s.cost.status === 'provider_reported') continue;
      s.cost = this.pricer.price(s);
    }
  }
}
