import type { CardDetails } from "../../bindings/CardDetails";

/** A card payment's evidence on the order page: card company, masked number, 승인번호 and 할부. */
export function CardFacts({ card }: { card: CardDetails }) {
  const installments =
    card.installments === null ? "-" : card.installments === 0 ? "일시불" : `${card.installments}개월 할부`;
  return (
    <dl className="order-facts" data-testid="card-facts">
      <dt>카드</dt>
      <dd data-testid="card-name">{card.name ?? "-"}</dd>
      <dt>카드 번호</dt>
      <dd data-testid="card-number">{card.number ?? "-"}</dd>
      <dt>승인번호</dt>
      <dd data-testid="card-approval">{card.approval ?? "-"}</dd>
      <dt>할부</dt>
      <dd data-testid="card-installments">{installments}</dd>
    </dl>
  );
}
