import type { OrderEvent } from "../../bindings/OrderEvent";
import { describeTimeline } from "./timeline";

/** An arrow between two states, drawn (not a font glyph) and read as "에서 … 로". */
function StateArrow() {
  return (
    <svg className="timeline-arrow" width="16" height="10" viewBox="0 0 16 10" aria-hidden="true" focusable="false">
      <path d="M1 5h12M9 1l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** An order's history, oldest first: when, what happened, the state change, money and reasons. */
export function Timeline({ events }: { events: readonly OrderEvent[] }) {
  const entries = describeTimeline(events);
  return (
    <ol className="timeline" data-testid="order-timeline">
      {entries.map((entry) => (
        <li key={entry.id} data-testid="order-event">
          <span className="timeline-dot" aria-hidden="true" />
          <div className="timeline-body">
            <div className="timeline-head">
              <strong className="timeline-title">{entry.title}</strong>
              <time className="muted timeline-at">{entry.at}</time>
            </div>
            {entry.change ? (
              <div className="timeline-change" aria-label={`${entry.change.from} 상태에서 ${entry.change.to} 상태로`}>
                <span>{entry.change.from}</span>
                <StateArrow />
                <span>{entry.change.to}</span>
              </div>
            ) : (
              entry.state && <div className="timeline-change muted">{entry.state}</div>
            )}
            {entry.facts.map((fact) => (
              <div key={fact} className="timeline-fact" data-testid="order-event-fact">
                {fact}
              </div>
            ))}
          </div>
        </li>
      ))}
    </ol>
  );
}
