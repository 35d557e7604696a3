import { Badge } from "@/components/ui/badge";
import { formatUsd } from "./format";

/**
 * A cost that may be partly or wholly unknown (models missing from the pricing table).
 * Never shows an unknown cost as $0.
 */
export function CostValue({
  costUsd,
  requests,
  unpricedRequests,
  format = formatUsd,
}: {
  costUsd: number;
  requests: number;
  unpricedRequests: number;
  /** A column's own formatter (see costColumn), so its amounts line up. */
  format?: (n: number) => string;
}) {
  if (unpricedRequests > 0 && unpricedRequests >= requests) {
    return (
      <Badge tone="warning" title="This model is not in the pricing table">
        Unknown
      </Badge>
    );
  }
  if (unpricedRequests > 0) {
    return (
      <span className="inline-flex items-center gap-1.5">
        {format(costUsd)}
        <Badge tone="warning" title={`${unpricedRequests} requests without a known price are not included`}>
          + unknown
        </Badge>
      </span>
    );
  }
  return <>{format(costUsd)}</>;
}
